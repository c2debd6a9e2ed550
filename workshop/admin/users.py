"""Users and roles in unfold's look (the stock auth admin would break the page style).

Who may change whom: only a superuser changes a superuser (form, password, deletion) or the fields that
make one (`is_superuser`, raw permissions); a manager gives roles (groups) only when the role holds no
permission the manager lacks, so no one hands out more than they have.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, User
from unfold.admin import ModelAdmin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

admin.site.unregister(User)
admin.site.unregister(Group)

SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")


def grantable_groups(user):
    """The groups whose every permission `user` holds himself."""
    if user.is_superuser:
        return Group.objects.all()
    held = user.get_all_permissions()
    groups = Group.objects.prefetch_related("permissions__content_type")
    allowed = [
        group.pk
        for group in groups
        if all(f"{p.content_type.app_label}.{p.codename}" in held for p in group.permissions.all())
    ]
    return Group.objects.filter(pk__in=allowed)


def is_app_account_lookup(request) -> bool:
    """The « Compte de l'application mobile » selector of a customer asking for its choices."""
    match = request.resolver_match
    return (
        match is not None
        and match.url_name == "autocomplete"
        and (request.GET.get("app_label"), request.GET.get("model_name"), request.GET.get("field_name"))
        == ("workshop", "customer", "user")
    )


def app_accounts(queryset):
    """A customer's mobile account is never staff and holds no role: the selector offers, and the form takes, no
    other."""
    return queryset.filter(is_staff=False, is_superuser=False, groups__isnull=True)


@admin.register(User)
class UserAdmin(BaseUserAdmin, ModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "groups")

    @staticmethod
    def _protected(request, obj) -> bool:
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if is_app_account_lookup(request):
            queryset = app_accounts(queryset)
        return queryset, duplicates

    def has_change_permission(self, request, obj=None):
        """Also guards the password page, which Django opens with this check."""
        return not self._protected(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._protected(request, obj) and super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser:
            for name in SUPERUSER_ONLY_FIELDS:
                if name in form.base_fields:
                    form.base_fields[name].disabled = True
            if "groups" in form.base_fields:
                grantable = grantable_groups(request.user)
                if obj is not None and obj.groups.exclude(pk__in=grantable).exists():
                    form.base_fields["groups"].disabled = True  # a role beyond ours: neither give nor take
                else:
                    form.base_fields["groups"].queryset = grantable
        return form


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin, ModelAdmin):
    pass
