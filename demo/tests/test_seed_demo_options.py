"""``manage.py seed_demo`` on a database without the demo street: the password from the option
or the environment, the refusal in production mode, a district shared with existing data (the
street's contents are tested in test_seed_demo.py, seeded once there)."""

import pytest
from django.core.management import CommandError

from accounts.models import User
from areas.models import Area
from demo.tests.test_seed_demo import STREET, seed

pytestmark = pytest.mark.django_db


def test_it_takes_the_password_from_the_option_or_the_environment(client, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "from-the-environment-1")
    assert "from-the-environment-1" in seed()
    assert client.login(username="streetleader", password="from-the-environment-1")
    output = seed("--password", "from-the-option-2")
    assert "from-the-option-2" in output
    assert client.login(username="streetleader", password="from-the-option-2")
    assert not client.login(username="streetleader", password="from-the-environment-1")


def test_it_refuses_in_production_mode_unless_forced(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        seed()
    assert not Area.objects.exists()
    seed("--force")
    assert Area.objects.filter(code=STREET).exists()


def test_it_shares_the_district_with_existing_data_and_leaves_the_rest_alone(cast):
    seed()
    assert Area.objects.filter(code=cast.district.code).count() == 1
    assert Area.objects.get(code=STREET).parent == cast.district
    assert Area.objects.filter(code=cast.street1.code, name="林山寨街道").exists()
    assert User.objects.filter(username="grid_worker_a").exists()
