"""Users: staff (with a role), the billing clerk, customers' app accounts and the tokens they call the API with."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from workshop import models

from .customers import CustomerFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


def billing_clerk():
    """The user the factories bill as: billing refuses anonymous writes, and records who received a payment."""
    return UserFactory(username="facturation", first_name="Service", last_name="Facturation", is_superuser=True)


def app_customer(username: str = "client", **customer_fields) -> models.Customer:
    """A customer with an app account (not staff, no group): the API's `customer` role."""
    user = UserFactory(username=username, is_staff=False, first_name="Mohamed", last_name="Ben Ali")
    return CustomerFactory(user=user, **customer_fields)


class CustomerAccountFactory(UserFactory):
    """A customer's app account: not staff, no role, linked to a customer by `Customer.user`."""

    is_staff = False

    @factory.post_generation
    def customer(self, create, extracted, **kwargs):
        if create:
            target = extracted or CustomerFactory()
            target.user = self
            target.save()


def customer_account(**customer_fields) -> models.Customer:
    """A customer with an app account (a user without staff access or role), as registration links them."""
    user = UserFactory(is_staff=False, first_name="Client")
    return CustomerFactory(user=user, **customer_fields)


def bearer(user) -> dict:
    """Headers of a request made with a fresh JWT access token for `user` (the app's way to call the API)."""
    from rest_framework_simplejwt.tokens import RefreshToken

    return {"HTTP_AUTHORIZATION": f"Bearer {RefreshToken.for_user(user).access_token}"}
