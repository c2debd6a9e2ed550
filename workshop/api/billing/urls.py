"""Routes of this part of the API, included under /api/ by workshop/api/urls.py.

/api/invoices/ (+ <id>/pdf/), /api/credit-notes/ (+ <id>/pdf/), /api/payments/: read-only."""

from rest_framework.routers import SimpleRouter

from workshop.api.billing import views

router = SimpleRouter()
router.register("invoices", views.InvoiceViewSet, basename="invoice")
router.register("credit-notes", views.CreditNoteViewSet, basename="credit-note")
router.register("payments", views.PaymentViewSet, basename="payment")

urlpatterns = router.urls
