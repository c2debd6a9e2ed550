from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WorkshopConfig(AppConfig):
    name = "workshop"
    verbose_name = _("Atelier")

    def ready(self):
        from django.contrib import admin

        from portal import (
            components,
            links,
            production,  # noqa: F401  (registers the deploy check on DJANGO_SECRET_KEY)
            timestamps,
            unfold_config,
        )
        from portal.navigation import lazy_app_list, quick_sidebar_list
        from workshop.accounts import backends
        from workshop.notifications import signals as notification_signals
        from workshop.roles import sync_roles_after_migrate

        notification_signals.connect()
        backends.install()
        lazy_app_list(admin.site)
        quick_sidebar_list(admin.site)
        links.install()
        unfold_config.install()
        timestamps.install()
        components.install()
        post_migrate.connect(sync_roles_after_migrate, sender=self, dispatch_uid="workshop.sync_roles")
