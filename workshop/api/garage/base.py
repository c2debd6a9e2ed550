"""The garage viewsets' common ground: who is calling decides the serializer and the rows."""

from rest_framework import viewsets

from workshop.api.permissions import CUSTOMER, MECHANIC, STAFF, GaragePermission, audience, customer_of


class GarageViewSet(viewsets.GenericViewSet):
    """`serializers` maps STAFF, MECHANIC and CUSTOMER to a serializer class (a missing key: that caller never gets
    here, `customer_actions` and the admin permissions see to it); `scoped_queryset` narrows the rows."""

    permission_classes = [GaragePermission]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    serializers: dict = {}
    detail_serializers: dict = {}
    customer_actions: tuple[str, ...] = ()
    read_actions: tuple[str, ...] = ()

    @property
    def caller(self) -> str | None:
        return audience(self.request.user)

    @property
    def customer(self):
        return customer_of(self.request.user)

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False):  # the schema documents the staff shape
            return (self.detail_serializers if self.action == "retrieve" else self.serializers).get(
                STAFF, self.serializers[STAFF]
            )
        caller = self.caller or STAFF
        if self.action == "retrieve" and caller in self.detail_serializers:
            return self.detail_serializers[caller]
        return self.serializers[caller]

    def get_queryset(self):
        queryset = self.base_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        caller = self.caller
        if caller == CUSTOMER:
            return self.customer_rows(queryset, self.customer)
        if caller in (STAFF, MECHANIC):
            return self.staff_rows(queryset, self.request.user)
        return queryset.none()

    def base_queryset(self):
        raise NotImplementedError

    def customer_rows(self, queryset, customer):
        return queryset.none()

    def staff_rows(self, queryset, user):
        return queryset
