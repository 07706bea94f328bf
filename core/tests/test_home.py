import pytest

from accounts.worklist import WorkItem, register_work, unregister_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_work():  # type: ignore[no-untyped-def]
    """No app has work for anyone: the home page behaves as before the work list existed."""
    from accounts import worklist

    saved = dict(worklist._PROVIDERS)
    worklist._PROVIDERS.clear()
    yield
    worklist._PROVIDERS.update(saved)


def test_it_sends_a_user_without_work_to_their_grid(cast, login, no_work):  # type: ignore[no-untyped-def]
    response = login(cast.grid_worker_a).get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/areas/{cast.grid_a.code}/"


def test_it_sends_a_street_leader_without_work_to_the_street(cast, login, no_work):  # type: ignore[no-untyped-def]
    response = login(cast.street_leader).get("/")
    assert response["Location"] == f"/areas/{cast.street1.code}/"


def test_it_shows_the_work_of_every_registered_provider_then_the_area(cast, login, no_work):  # type: ignore[no-untyped-def]
    register_work("visits", lambda user: [WorkItem("visits:due", "待走访", 3, "/visits/")])
    register_work("nothing", lambda user: [])
    try:
        response = login(cast.grid_worker_a).get("/")
    finally:
        unregister_work("visits")
        unregister_work("nothing")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/visits/" data-work="visits:due"' in html and 'data-count="3"' in html and "待走访" in html
    assert f'href="/areas/{cast.grid_a.code}/"' in html


def test_it_tells_a_user_without_assignment_to_ask_an_administrator(cast, login):  # type: ignore[no-untyped-def]
    response = login(cast.outsider).get("/")
    assert response.status_code == 200
    assert "还没有分配" in response.content.decode()


def test_it_asks_anonymous_users_to_log_in(client, db):  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_healthz_answers_ok(client, db):  # type: ignore[no-untyped-def]
    assert client.get("/healthz").json() == {"status": "ok"}
