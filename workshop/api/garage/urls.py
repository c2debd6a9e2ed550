"""Routes of this part of the API, included under /api/ by workshop/api/urls.py."""

from rest_framework.routers import SimpleRouter

from .job_views import ServiceItemViewSet, ServiceViewSet
from .views import CarViewSet, CustomerViewSet, NotificationViewSet

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("cars", CarViewSet, basename="car")
router.register("services", ServiceViewSet, basename="service")
router.register("service-items", ServiceItemViewSet, basename="service-item")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = router.urls
