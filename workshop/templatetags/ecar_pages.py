"""Filters of the customer and car pages."""

from django import template
from django.utils.html import format_html

from workshop.money import format_tnd
from workshop.people import person_name

register = template.Library()


@register.filter
def money(value):
    """`1234.5` -> `<span class="ecar-money">1 234,500 DT</span>` in the user's language."""
    if value is None:
        return "—"
    return format_html('<span class="ecar-money">{}</span>', format_tnd(value))


@register.filter
def full_name(user):
    """The user's full name, else the login: people are named as people on screens and documents."""
    return person_name(user)
