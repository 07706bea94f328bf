from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("基础信息")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from audit.registry import register
        from registry import addresses, models
        from registry.catalog import on_post_migrate
        from registry.pii import logged_birth_date

        post_migrate.connect(on_post_migrate, dispatch_uid="registry-default-catalogs")
        # Encrypted columns never reach the audit log; their blind indexes show that they changed.
        # ``named_with``: what each record's name reads, so the log page names a page of them in one query.
        register(models.Building, area_code=lambda row: row.grid_code)
        register(models.Dwelling, area_code=lambda row: row.grid_code, named_with=("building", "unit"))
        register(models.Household, area_code=lambda row: row.grid_code,
                 named_with=("dwelling__building", "dwelling__unit"))
        for model in (models.Vehicle, models.Facility):
            register(model, area_code=lambda row: row.grid_code)
        # A 居民身份证 holder's birth date is digits 7-14 of the number: the log keeps its year only.
        # ``address_sort_key`` is bookkeeping derived from the stay (``registry.addresses``), not registry data.
        register(models.Resident, area_code=lambda row: row.grid_code,
                 exclude=("id_number", "phone", "address_sort_key"),
                 mask={"birth_date": logged_birth_date})
        register(models.Establishment, area_code=lambda row: row.grid_code, exclude=("contact_phone",))
        register(models.HouseholdMember, area_code=lambda row: row.household.grid_code,
                 named_with=("household__dwelling__building", "household__dwelling__unit", "resident"))
        register(models.BuildingUnit, area_code=lambda row: row.building.grid_code, named_with=("building",))
        register(models.CareTag)
        register(models.FacilityCategory)
        addresses.connect()
