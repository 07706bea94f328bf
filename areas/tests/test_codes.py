"""Area code rules: 12-digit statistical codes down to 社区, +3 digits per grid level, immutable."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.testing import make_area
from areas.models import Area, GridKind, Level, validate_code

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "level", "parent_code", "parent_level"),
    [
        ("410000000000", Level.PROVINCE, None, None),
        ("410100000000", Level.CITY, "410000000000", Level.PROVINCE),
        ("410102000000", Level.DISTRICT, "410100000000", Level.CITY),
        ("410102001000", Level.STREET, "410102000000", Level.DISTRICT),
        ("410102001001", Level.COMMUNITY, "410102001000", Level.STREET),
        ("410102001001001", Level.GRID, "410102001001", Level.COMMUNITY),
        ("410102001001001010", Level.MICROGRID, "410102001001001", Level.GRID),
    ],
)
def test_it_accepts_a_well_formed_code_of_each_level(code, level, parent_code, parent_level):
    validate_code(code, level, parent_code, parent_level)


@pytest.mark.parametrize(
    ("code", "level", "message"),
    [
        ("41010200100", Level.STREET, "应为12位"),
        ("4101020010000", Level.STREET, "应为12位"),
        ("410102001001", Level.GRID, "应为15位"),
        ("4101020010010010", Level.GRID, "应为15位"),
        ("410102001001001", Level.MICROGRID, "应为18位"),
        ("41010200100A", Level.COMMUNITY, "只能由数字组成"),
        ("", Level.COMMUNITY, "只能由数字组成"),
        ("410102001001", Level.STREET, "末尾应补零"),
        ("410102001000", Level.DISTRICT, "末尾应补零"),
        ("410102001001000", Level.GRID, "不能为000"),
        ("410102001001001000", Level.MICROGRID, "不能为000"),
        ("410102000000", Level.STREET, "不能全为零"),
        ("410102001000", Level.COMMUNITY, "不能全为零"),
    ],
)
def test_it_rejects_a_malformed_code(code, level, message):
    with pytest.raises(ValidationError) as error:
        validate_code(code, level, None, None)
    assert message in str(error.value.message_dict["code"])


def test_it_rejects_a_grid_outside_its_communitys_prefix():
    with pytest.raises(ValidationError) as error:
        validate_code("410102001002001", Level.GRID, "410102001001", Level.COMMUNITY)
    assert "上级区域的编码开头" in str(error.value.message_dict["code"])


def test_it_rejects_a_parent_that_is_not_above_the_area():
    with pytest.raises(ValidationError) as error:
        validate_code("410102001001001", Level.GRID, "410102001001002", Level.GRID)
    assert "parent" in error.value.message_dict


def test_it_refuses_to_change_a_stored_code(cast):
    grid = Area.objects.get(pk=cast.grid_a.pk)
    grid.code = "410102001001009"
    with pytest.raises(ValidationError) as error:
        grid.full_clean()
    assert "不可修改" in str(error.value.message_dict["code"])
    assert Area.objects.filter(code="410102001001001").exists()


def test_it_allows_other_changes_of_a_stored_area(cast):
    grid = Area.objects.get(pk=cast.grid_a.pk)
    grid.name = "百花社区一网格"
    grid.full_clean()


def test_it_refuses_a_duplicate_code(cast):
    with pytest.raises(ValidationError) as error:
        make_area("410102001001001", "另一个网格", Level.GRID, cast.community1, None)
    assert "code" in error.value.message_dict


def test_it_refuses_two_areas_with_one_name_under_a_parent_in_validation(cast):
    with pytest.raises(ValidationError):
        make_area("410102001001003", cast.grid_a.name, Level.GRID, cast.community1, None)
    assert Area.objects.filter(name=cast.grid_a.name).count() == 1


def test_it_refuses_two_areas_with_one_name_under_a_parent_in_the_database(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(
            code="410102001001003", name=cast.grid_a.name, level=Level.GRID, parent=cast.community1,
            grid_kind=GridKind.COMPREHENSIVE,
        )


def test_it_allows_one_name_under_different_parents(cast):
    make_area("410102002001002", cast.grid_a.name, Level.GRID, cast.community2, None)
    assert Area.objects.filter(name=cast.grid_a.name).count() == 2


def test_a_dedicated_grid_needs_the_unit_it_serves(cast):
    with pytest.raises(ValidationError) as error:
        make_area("410102001001003", "郑州市第九中学网格", Level.GRID, cast.community1, None,
                  grid_kind=GridKind.DEDICATED)
    assert "served_unit" in error.value.message_dict


def test_a_dedicated_grid_with_its_unit_is_accepted(cast):
    grid = make_area("410102001001003", "郑州市第九中学网格", Level.GRID, cast.community1, None,
                     grid_kind=GridKind.DEDICATED, served_unit="郑州市第九中学")
    assert grid.get_grid_kind_display() == "专属网格"


def test_only_grids_have_a_grid_kind(cast):
    street = Area(code="410102003000", name="绿东村街道", level=Level.STREET, parent=cast.district,
                  grid_kind=GridKind.COMPREHENSIVE)
    with pytest.raises(ValidationError) as error:
        street.full_clean()
    assert "grid_kind" in error.value.message_dict


def test_a_retired_area_cannot_end_before_it_started(cast):
    grid = Area.objects.get(pk=cast.grid_b.pk)
    grid.ended_on = grid.started_on.replace(year=grid.started_on.year - 1)
    with pytest.raises(ValidationError) as error:
        grid.full_clean()
    assert "ended_on" in error.value.message_dict
