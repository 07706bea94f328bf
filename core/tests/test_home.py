import pytest

pytestmark = pytest.mark.django_db


def test_it_sends_a_grid_worker_to_their_grid(cast, login):
    response = login(cast.grid_worker_a).get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/areas/{cast.grid_a.code}/"


def test_it_sends_a_street_leader_to_the_street(cast, login):
    response = login(cast.street_leader).get("/")
    assert response["Location"] == f"/areas/{cast.street1.code}/"


def test_it_tells_a_user_without_assignment_to_ask_an_administrator(cast, login):
    response = login(cast.outsider).get("/")
    assert response.status_code == 200
    assert "还没有分配" in response.content.decode()


def test_it_asks_anonymous_users_to_log_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_healthz_answers_ok(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
