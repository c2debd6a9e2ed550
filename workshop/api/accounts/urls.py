"""Routes of this part of the API, included under /api/ by workshop/api/urls.py."""

from django.urls import path

from . import registration, views

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("auth/token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/register/", registration.RegisterView.as_view(), name="register"),
    path("auth/register/verify/", registration.VerifyView.as_view(), name="register-verify"),
    path("auth/password/", views.PasswordView.as_view(), name="password"),
    path("users/me/", views.MeView.as_view(), name="user-me"),
    path("users/", views.UserListView.as_view(), name="user-list"),
]
