"""Reports recorded by desk staff (热线、微信群、来访、领导交办、上级平台): channel and the reporter's contact."""


from cases.models import Case, Channel, HandlingLevel
from cases.tests.intake_files import GRID_A_POINT, GRID_B_POINT, GRID_C_POINT
from registry.pii import index_value

URL = "/cases/report/"



def _data(cc, point=GRID_A_POINT, **extra):  # type: ignore[no-untyped-def]
    data = {"category": cc.category("t-clutter").pk, "description": "来电反映楼道堆物。", "system": "WGS84",
            "longitude": point[0], "latitude": point[1], "channel": Channel.HOTLINE}
    data.update(extra)
    return data


def test_it_offers_channels_and_contact_fields_to_desk_staff(cc, login):
    content = login(cc.dispatcher).get(URL).content.decode()
    for label in ("热线电话", "微信群", "来访", "领导交办", "上级平台转办", "反映人", "联系电话"):
        assert label in content
    assert "居民随手拍" not in content  # only through the public page
    assert 'name="resolved"' not in content  # a street dispatcher does not self-handle
    assert "百花社区第一网格" in content and "百花社区第二网格" in content and "协作路社区第一网格" not in content


def test_it_records_a_hotline_call_with_the_callers_contact(cc, login):
    response = login(cc.dispatcher).post(URL, _data(cc, reporter_name="刘女士", reporter_phone="139 1234 5678"))
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.channel == Channel.HOTLINE and case.reporter == cc.dispatcher
    assert case.reporter_name == "刘女士" and case.reporter_phone == "13912345678"
    assert case.reporter_phone_index == index_value("phone", "13912345678")
    # Desk-recorded reports start at the category's own level, not at the grid.
    assert case.level == HandlingLevel.COMMUNITY and case.desk_area == cc.cast.community1


def test_it_records_every_desk_channel(cc, login):
    client = login(cc.dispatcher)
    for channel in (Channel.WECHAT, Channel.WALK_IN, Channel.LEADER, Channel.PLATFORM):
        assert client.post(URL, _data(cc, channel=channel)).status_code == 302
    assert sorted(Case.objects.values_list("channel", flat=True)) == sorted(
        [Channel.WECHAT, Channel.WALK_IN, Channel.LEADER, Channel.PLATFORM])


def test_it_names_the_phone_field_when_the_number_is_wrong(cc, login):
    response = login(cc.dispatcher).post(URL, _data(cc, reporter_phone="12345"))
    assert response.status_code == 400
    assert "联系电话：" in response.content.decode() and "手机号码" in response.content.decode()
    assert not Case.objects.exists()


def test_it_refuses_the_resident_channel_on_the_staff_page(cc, login):
    response = login(cc.dispatcher).post(URL, _data(cc, channel=Channel.RESIDENT))
    assert response.status_code == 400
    assert "来源渠道：" in response.content.decode()
    assert not Case.objects.exists()


def test_a_grid_workers_report_is_always_a_grid_worker_report(cc, login):
    login(cc.cast.grid_worker_a).post(URL, _data(cc, channel=Channel.HOTLINE, reporter_phone="13912345678"))
    case = Case.objects.get()
    assert case.channel == Channel.GRID_WORKER and case.reporter_phone == ""


def test_a_street_dispatcher_reports_anywhere_in_the_street_and_nowhere_else(cc, login):
    client = login(cc.dispatcher)
    assert client.post(URL, _data(cc, point=GRID_B_POINT)).status_code == 302
    response = client.post(URL, _data(cc, point=GRID_C_POINT))
    assert response.status_code == 400 and "您没有权限在这个网格上报事件。" in response.content.decode()
    assert Case.objects.count() == 1


def test_community_staff_may_record_and_solve_on_the_spot(cc, login):
    content = login(cc.community_staff).get(URL).content.decode()
    assert 'name="resolved"' in content and 'name="channel"' in content
    assert '<option value="grid_worker" selected>' in content
