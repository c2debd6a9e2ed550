"""Every admin URL × every role × GET and POST, against a table written by hand; and no money for mechanics.

The URLs come from the URL resolver, so a new page, button, dialog or report without its line in EXPECTED
fails here until someone states who may open it. Each URL is opened on real objects of the kind a garage
has (a mechanic's own job and another mechanic's job, an issued and a draft invoice, a staff user and a
superuser...), built once for the module through the factories and the billing functions.

EXPECTED gives, per URL name (and variant), the status each role gets, in the order of ROLES, for GET then
POST (a submitted form with no field). It is written from what each role is for (README, « Rôles »), not from the code:
200 page, 302 redirect, 400 refused input, 403 forbidden, 404 not found (or hidden), 405 method refused.
A POST refused with 403, 404 or 405 must also leave the database exactly as it was.
"""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import DecimalField
from django.template.loader import render_to_string
from django.test import Client, TestCase
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from pypdf import PdfReader
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from tests import factories as f
from workshop import billing, roles, settlements
from workshop.models import CustomerImport, EInvoice, Refund, Service, ServiceItem
from workshop.money import format_tnd

ROLES = ("root", "gerant", "conseiller", "mecanicien", "comptable")
# A submitted dialog with no field: every form refuses it, so an allowed POST changes nothing either. Delete
# pages take any non-empty POST as the confirmation: they get an empty one (and show the confirmation again).
HARMLESS_POST = {"_form_submitted": "1"}
REFUSALS = (403, 404, 405)  # authorisation refusals: the database must not move

# fmt: off
# name[variant]:                                  GET: root gerant conseiller mecanicien comptable | POST: same order
EXPECTED = {
    # --- the site ---------------------------------------------------------------------------------------------
    "admin:index":                                    "200 200 200 200 200 | 200 200 200 200 200",
    "admin:login":                                    "302 302 302 302 302 | 200 200 200 200 200",
    "admin:logout":                                   "405 405 405 405 405 | 200 200 200 200 200",
    "admin:password_change":                          "200 200 200 200 200 | 200 200 200 200 200",
    "admin:password_change_done":                     "200 200 200 200 200 | 405 405 405 405 405",
    "admin:jsi18n":                                   "200 200 200 200 200 | 405 405 405 405 405",
    "admin:search":                                   "200 200 200 200 200 | 200 200 200 200 200",
    "admin:view_on_site":                             "404 404 404 404 404 | 404 404 404 404 404",
    "admin:app_list[workshop]":                       "200 200 200 200 200 | 200 200 200 200 200",
    "admin:app_list[auth]":                           "200 200 404 404 404 | 200 200 404 404 404",
    "admin:app_list[token_blacklist]":                "200 404 404 404 404 | 200 404 404 404 404",
    "admin:app_list[axes]":                           "200 200 404 404 404 | 200 200 404 404 404",
    "admin:autocomplete[car]":                        "200 200 200 200 200 | 405 405 405 405 405",
    "admin:autocomplete[part]":                       "200 200 200 200 200 | 405 405 405 405 405",
    "admin:autocomplete[invoice]":                    "200 200 200 403 200 | 405 405 405 405 405",
    # linking an app account is for those who manage users (the adviser sees it read-only); app accounts only
    "admin:autocomplete[user]":                       "200 200 403 403 403 | 405 405 405 405 405",
    # --- reports and the accounting export -------------------------------------------------------------------
    "reports:index":                                  "200 200 200 403 200 | 200 200 200 403 200",
    "reports:revenue":                                "200 200 403 403 200 | 405 405 403 403 405",
    "reports:tva":                                    "200 200 403 403 200 | 405 405 403 403 405",
    "reports:receivables":                            "200 200 403 403 200 | 405 405 403 403 405",
    "reports:statement":                              "200 200 403 403 200 | 405 405 403 403 405",
    "reports:parts":                                  "200 200 403 403 200 | 405 405 403 403 405",
    "reports:activity":                               "200 200 200 403 403 | 405 405 405 403 403",
    "accounting_export":                              "200 200 403 403 200 | 200 200 403 403 200",
    # --- customers --------------------------------------------------------------------------------------------
    "admin:workshop_customer_changelist":             "200 200 200 403 200 | 200 200 200 403 200",
    "admin:workshop_customer_add":                    "200 200 200 403 403 | 200 200 200 403 403",
    "admin:workshop_customer_change":                 "200 200 200 403 200 | 200 200 200 403 403",
    "admin:workshop_customer_delete":                 "200 200 403 403 403 | 200 200 403 403 403",
    "admin:workshop_customer_history":                "200 200 200 403 200 | 200 200 200 403 200",
    "admin:workshop_customer_simple_history":         "200 200 200 403 200 | 405 405 405 405 405",
    "admin:workshop_customer_export":                 "200 200 200 403 200 | 200 200 200 403 200",
    # « Enregistrer un paiement » from the customer page: those who record payments (workshop.add_payment)
    "admin:workshop_customer_record_payment":         "200 200 403 403 200 | 200 200 403 403 200",
    # --- cars -------------------------------------------------------------------------------------------------
    "admin:workshop_car_changelist":                  "200 200 200 200 200 | 200 200 200 200 200",
    "admin:workshop_car_add":                         "200 200 200 403 403 | 200 200 200 403 403",
    "admin:workshop_car_change":                      "200 200 200 200 200 | 200 200 200 403 403",
    "admin:workshop_car_delete":                      "200 200 403 403 403 | 200 200 403 403 403",
    "admin:workshop_car_history":                     "200 200 200 200 200 | 200 200 200 200 200",
    "admin:workshop_car_simple_history":              "200 200 200 200 200 | 405 405 405 405 405",
    "admin:workshop_car_export":                      "200 200 200 403 200 | 200 200 200 403 200",
    # --- catalogue (no history table: no history pages) ------------------------------------------------------
    "admin:workshop_part_changelist":                 "200 200 200 200 200 | 200 200 200 200 200",
    "admin:workshop_part_add":                        "200 200 403 403 403 | 200 200 403 403 403",
    "admin:workshop_part_change":                     "200 200 200 200 200 | 200 200 403 403 403",
    "admin:workshop_part_delete":                     "200 200 403 403 403 | 200 200 403 403 403",
    # stock receipts and inventory counts: the manager (workshop.add_stockmovement)
    "admin:workshop_part_receive_parts":              "200 200 403 403 403 | 200 200 403 403 403",
    "admin:workshop_part_count_stock":                "200 200 403 403 403 | 200 200 403 403 403",
    "admin:workshop_part_history":                    "404 404 404 404 404 | 404 404 404 404 404",
    "admin:workshop_part_simple_history":             "404 404 404 404 404 | 405 405 405 405 405",
    "admin:workshop_labouroperation_changelist":      "200 200 200 200 200 | 200 200 200 200 200",
    "admin:workshop_labouroperation_add":             "200 200 403 403 403 | 200 200 403 403 403",
    "admin:workshop_labouroperation_change":          "200 200 200 200 200 | 200 200 403 403 403",
    "admin:workshop_labouroperation_delete":          "200 200 403 403 403 | 200 200 403 403 403",
    "admin:workshop_labouroperation_history":         "404 404 404 404 404 | 404 404 404 404 404",
    "admin:workshop_labouroperation_simple_history":  "404 404 404 404 404 | 405 405 405 405 405",
    # --- jobs: [own] is the mechanic's job, [other] another mechanic's -------------------------------------
    "admin:workshop_service_changelist":              "200 200 200 200 200 | 200 200 200 200 200",
    "admin:workshop_service_add":                     "200 200 200 403 403 | 200 200 200 403 403",
    "admin:workshop_service_export":                  "200 200 200 403 200 | 200 200 200 403 200",
    "admin:workshop_service_change[own]":             "200 200 200 200 200 | 200 200 200 200 403",
    "admin:workshop_service_change[other]":           "200 200 200 302 200 | 200 200 200 302 403",
    "admin:workshop_service_delete[own]":             "200 200 403 403 403 | 200 200 403 403 403",
    "admin:workshop_service_delete[other]":           "200 200 403 403 403 | 200 200 403 403 403",
    "admin:workshop_service_history[own]":            "200 200 200 200 200 | 200 200 200 200 200",
    "admin:workshop_service_history[other]":          "200 200 200 404 200 | 200 200 200 404 200",
    "admin:workshop_service_simple_history[own]":     "200 200 200 200 200 | 405 405 405 405 405",
    "admin:workshop_service_simple_history[other]":   "200 200 200 404 200 | 405 405 405 405 405",
    "admin:workshop_service_transition_diagnose[own]":         "200 200 200 200 403 | 200 200 200 200 403",
    "admin:workshop_service_transition_diagnose[other]":       "200 200 200 404 403 | 200 200 200 404 403",
    "admin:workshop_service_transition_approve[own]":          "200 200 200 403 403 | 200 200 200 403 403",
    "admin:workshop_service_transition_approve[other]":        "200 200 200 404 403 | 200 200 200 404 403",
    "admin:workshop_service_transition_start[own]":            "200 200 200 200 403 | 200 200 200 200 403",
    "admin:workshop_service_transition_start[other]":          "200 200 200 404 403 | 200 200 200 404 403",
    "admin:workshop_service_transition_wait_for_parts[own]":   "200 200 200 200 403 | 200 200 200 200 403",
    "admin:workshop_service_transition_wait_for_parts[other]": "200 200 200 404 403 | 200 200 200 404 403",
    "admin:workshop_service_transition_resume[own]":           "200 200 200 200 403 | 200 200 200 200 403",
    "admin:workshop_service_transition_resume[other]":         "200 200 200 404 403 | 200 200 200 404 403",
    "admin:workshop_service_transition_complete[own]":         "200 200 200 200 403 | 200 200 200 200 403",
    "admin:workshop_service_transition_complete[other]":       "200 200 200 404 403 | 200 200 200 404 403",
    "admin:workshop_service_transition_deliver[own]":          "200 200 200 403 403 | 200 200 200 403 403",
    "admin:workshop_service_transition_deliver[other]":        "200 200 200 404 403 | 200 200 200 404 403",
    "admin:workshop_service_transition_cancel[own]":           "200 200 200 403 403 | 200 200 200 403 403",
    "admin:workshop_service_transition_cancel[other]":         "200 200 200 404 403 | 200 200 200 404 403",
    "admin:workshop_service_resend_approval_link[own]":      "200 200 200 403 403 | 200 200 200 403 403",
    "admin:workshop_service_resend_approval_link[other]":    "200 200 200 404 403 | 200 200 200 404 403",
    "admin:workshop_service_record_phone_decision[own]":     "200 200 200 403 403 | 200 200 200 403 403",
    "admin:workshop_service_record_phone_decision[other]":   "200 200 200 404 403 | 200 200 200 404 403",
    "admin:workshop_service_create_invoice[own]":              "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_service_create_invoice[other]":            "200 200 403 404 200 | 200 200 403 404 200",
    "admin:workshop_service_download_job_card[own]":           "200 200 200 200 200 | 200 200 200 200 200",
    "admin:workshop_service_download_job_card[other]":         "200 200 200 404 200 | 200 200 200 404 200",
    "admin:workshop_service_download_estimate[own]":           "200 200 200 403 200 | 200 200 200 403 200",
    "admin:workshop_service_download_estimate[other]":         "200 200 200 404 200 | 200 200 200 404 200",
    # « Refacturer »: those who bill (workshop.invoice_service), like « Facturer »
    "admin:workshop_service_rebill[own]":                      "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_service_rebill[other]":                    "200 200 403 404 200 | 200 200 403 404 200",
    # --- invoices: [issued] (partly paid, partly credited) and [draft] ------------------------------------
    "admin:workshop_invoice_changelist":              "200 200 200 403 200 | 200 200 200 403 200",
    "admin:workshop_invoice_add":                     "403 403 403 403 403 | 403 403 403 403 403",
    "admin:workshop_invoice_export":                  "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_invoice_change[issued]":          "200 200 200 403 200 | 403 403 403 403 403",
    "admin:workshop_invoice_change[draft]":           "200 200 200 403 200 | 200 200 403 403 200",
    "admin:workshop_invoice_delete[issued]":          "403 403 403 403 403 | 403 403 403 403 403",
    "admin:workshop_invoice_delete[draft]":           "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_invoice_history[issued]":         "200 200 200 403 200 | 200 200 200 403 200",
    "admin:workshop_invoice_history[draft]":          "200 200 200 403 200 | 200 200 200 403 200",
    "admin:workshop_invoice_simple_history[issued]":  "200 200 200 403 200 | 405 405 405 405 405",
    "admin:workshop_invoice_simple_history[draft]":   "200 200 200 403 200 | 405 405 405 405 405",
    "admin:workshop_invoice_transition_issue[issued]":   "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_invoice_transition_issue[draft]":    "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_invoice_record_payment[issued]":     "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_invoice_record_payment[draft]":      "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_invoice_credit_total[issued]":       "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_invoice_credit_total[draft]":        "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_invoice_credit_partial[issued]":     "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_invoice_credit_partial[draft]":      "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_invoice_download_invoice_pdf[issued]": "200 200 200 403 200 | 200 200 200 403 200",
    "admin:workshop_invoice_download_invoice_pdf[draft]":  "200 200 200 403 200 | 200 200 200 403 200",
    # the TEIF XML: the stored one of an issued invoice; a draft has none (back to its page with the reason)
    "admin:workshop_invoice_download_teif[issued]":      "200 200 200 403 200 | 200 200 200 403 200",
    "admin:workshop_invoice_download_teif[draft]":       "302 302 302 403 302 | 302 302 302 403 302",
    # (re)making the e-invoice: those who issue invoices; back to the page with the outcome or the reason
    "admin:workshop_invoice_prepare_einvoice[issued]":   "200 200 403 403 200 | 302 302 403 403 302",
    "admin:workshop_invoice_prepare_einvoice[draft]":    "200 200 403 403 200 | 302 302 403 403 302",
    # money going back to the customer, and counter-payments: the manager and the accountant only
    "admin:workshop_invoice_refund_customer[issued]":    "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_invoice_refund_customer[draft]":     "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_invoice_keep_as_credit[issued]":     "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_invoice_keep_as_credit[draft]":      "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_invoice_reverse_payment[issued]":    "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_invoice_reverse_payment[draft]":     "200 200 403 403 200 | 200 200 403 403 200",
    # --- payments and credit notes: a ledger, read only ------------------------------------------------------
    "admin:workshop_payment_changelist":              "200 200 200 403 200 | 200 200 200 403 200",
    "admin:workshop_payment_add":                     "403 403 403 403 403 | 403 403 403 403 403",
    "admin:workshop_payment_change":                  "200 200 200 403 200 | 403 403 403 403 403",
    "admin:workshop_payment_delete":                  "403 403 403 403 403 | 403 403 403 403 403",
    "admin:workshop_payment_history":                 "200 200 200 403 200 | 200 200 200 403 200",
    "admin:workshop_payment_simple_history":          "200 200 200 403 200 | 405 405 405 405 405",
    "admin:workshop_payment_export":                  "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_creditnote_changelist":           "200 200 200 403 200 | 200 200 200 403 200",
    "admin:workshop_creditnote_add":                  "403 403 403 403 403 | 403 403 403 403 403",
    "admin:workshop_creditnote_change":               "200 200 200 403 200 | 403 403 403 403 403",
    "admin:workshop_creditnote_delete":               "403 403 403 403 403 | 403 403 403 403 403",
    "admin:workshop_creditnote_history":              "200 200 200 403 200 | 200 200 200 403 200",
    "admin:workshop_creditnote_simple_history":       "200 200 200 403 200 | 405 405 405 405 405",
    "admin:workshop_creditnote_export":               "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_creditnote_download_credit_note_pdf": "200 200 200 403 200 | 200 200 200 403 200",
    # its customer is a person without identifier: TEIF refuses it, and the page says why
    "admin:workshop_creditnote_download_teif":        "302 302 302 403 302 | 302 302 302 403 302",
    "admin:workshop_creditnote_prepare_einvoice":     "200 200 403 403 200 | 302 302 403 403 302",
    # e-invoice records: moved by workshop.einvoice only, read by the manager and the accountant
    "admin:workshop_einvoice_changelist":             "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_einvoice_add":                    "403 403 403 403 403 | 403 403 403 403 403",
    "admin:workshop_einvoice_change":                 "200 200 403 403 200 | 403 403 403 403 403",
    "admin:workshop_einvoice_delete":                 "403 403 403 403 403 | 403 403 403 403 403",
    "admin:workshop_einvoice_history":                "404 404 404 404 404 | 404 404 404 404 404",
    "admin:workshop_einvoice_simple_history":         "404 404 404 404 404 | 405 405 405 405 405",
    # refunds and customer credit: a ledger written from the invoice; read by those who read invoices,
    # exported (billing data) by the manager and the accountant
    "admin:workshop_refund_changelist":               "200 200 200 403 200 | 200 200 200 403 200",
    "admin:workshop_refund_add":                      "403 403 403 403 403 | 403 403 403 403 403",
    "admin:workshop_refund_change":                   "200 200 200 403 200 | 403 403 403 403 403",
    "admin:workshop_refund_delete":                   "403 403 403 403 403 | 403 403 403 403 403",
    "admin:workshop_refund_history":                  "200 200 200 403 200 | 200 200 200 403 200",
    "admin:workshop_refund_simple_history":           "200 200 200 403 200 | 405 405 405 405 405",
    "admin:workshop_refund_export":                   "200 200 403 403 200 | 200 200 403 403 200",
    # --- notifications (no history table) ----------------------------------------------------------------
    "admin:workshop_notification_changelist":         "200 200 200 403 403 | 200 200 200 403 403",
    "admin:workshop_notification_add":                "200 200 200 403 403 | 200 200 200 403 403",
    "admin:workshop_notification_change":             "200 200 200 403 403 | 200 200 200 403 403",
    "admin:workshop_notification_delete":             "200 200 403 403 403 | 200 200 403 403 403",
    "admin:workshop_notification_history":            "404 404 404 404 404 | 404 404 404 404 404",
    "admin:workshop_notification_simple_history":     "404 404 404 404 404 | 405 405 405 405 405",
    # --- the reminders ledger (no history table; written by the daily run, read by managers and advisers) ------
    "admin:workshop_reminder_changelist":             "200 200 200 403 403 | 200 200 200 403 403",
    "admin:workshop_reminder_add":                    "403 403 403 403 403 | 403 403 403 403 403",
    "admin:workshop_reminder_change":                 "200 200 200 403 403 | 403 403 403 403 403",
    "admin:workshop_reminder_delete":                 "403 403 403 403 403 | 403 403 403 403 403",
    "admin:workshop_reminder_history":                "404 404 404 404 404 | 404 404 404 404 404",
    "admin:workshop_reminder_simple_history":         "404 404 404 404 404 | 405 405 405 405 405",


    "admin:workshop_notification_test_gateway_action": "302 302 403 403 403 | 302 302 403 403 403",
    "admin:workshop_notification_test_gateway":       "200 200 403 403 403 | 400 400 403 403 403",
    "admin:workshop_notificationtemplate_changelist": "200 200 403 403 403 | 200 200 403 403 403",
    "admin:workshop_notificationtemplate_add":        "200 200 403 403 403 | 200 200 403 403 403",
    "admin:workshop_notificationtemplate_change":     "200 200 403 403 403 | 200 200 403 403 403",
    "admin:workshop_notificationtemplate_delete":     "200 200 403 403 403 | 200 200 403 403 403",
    "admin:workshop_notificationtemplate_history":    "404 404 404 404 404 | 404 404 404 404 404",
    "admin:workshop_notificationtemplate_simple_history": "404 404 404 404 404 | 405 405 405 405 405",
    "admin:workshop_notificationtemplate_preview":    "405 405 403 403 403 | 400 400 403 403 403",
    # --- customer imports (no history table; the record is read only) ---------------------------------------
    "admin:workshop_customerimport_changelist":       "200 200 200 403 403 | 200 200 200 403 403",
    "admin:workshop_customerimport_add":              "403 403 403 403 403 | 403 403 403 403 403",
    "admin:workshop_customerimport_change":           "200 200 200 403 403 | 403 403 403 403 403",
    "admin:workshop_customerimport_delete":           "403 403 403 403 403 | 403 403 403 403 403",
    "admin:workshop_customerimport_history":          "404 404 404 404 404 | 404 404 404 404 404",
    "admin:workshop_customerimport_simple_history":   "404 404 404 404 404 | 405 405 405 405 405",
    "admin:workshop_customerimport_upload_action":    "302 302 302 403 403 | 302 302 302 403 403",
    "admin:workshop_customerimport_upload":           "200 200 200 403 403 | 400 400 400 403 403",
    "admin:workshop_customerimport_preview":          "200 200 200 403 403 | 400 400 400 403 403",
    "admin:workshop_customerimport_rejects":          "200 200 200 403 403 | 200 200 200 403 403",
    "admin:workshop_customerimport_progress":         "200 200 200 403 403 | 200 200 200 403 403",
    # --- the workshop's profile (one row; never added twice, never deleted) ---------------------------------
    "admin:workshop_workshopprofile_changelist":      "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_workshopprofile_add":             "403 403 403 403 403 | 403 403 403 403 403",
    "admin:workshop_workshopprofile_change":          "200 200 403 403 200 | 200 200 403 403 403",
    "admin:workshop_workshopprofile_delete":          "403 403 403 403 403 | 403 403 403 403 403",
    "admin:workshop_workshopprofile_history":         "200 200 403 403 200 | 200 200 403 403 200",
    "admin:workshop_workshopprofile_simple_history":  "200 200 403 403 200 | 405 405 405 405 405",
    # --- users: [staff] a mechanic's account, [superuser] the superuser's -----------------------------------
    "admin:auth_user_changelist":                     "200 200 403 403 403 | 200 200 403 403 403",
    "admin:auth_user_add":                            "200 200 403 403 403 | 200 200 403 403 403",
    "admin:auth_user_change[staff]":                  "200 200 403 403 403 | 200 200 403 403 403",
    "admin:auth_user_change[superuser]":              "200 200 403 403 403 | 200 403 403 403 403",
    "admin:auth_user_password_change[staff]":         "200 200 403 403 403 | 200 200 403 403 403",
    "admin:auth_user_password_change[superuser]":     "200 403 403 403 403 | 200 403 403 403 403",
    "admin:auth_user_delete[staff]":                  "200 403 403 403 403 | 200 403 403 403 403",
    "admin:auth_user_delete[superuser]":              "200 403 403 403 403 | 200 403 403 403 403",
    "admin:auth_user_history[staff]":                 "200 200 403 403 403 | 200 200 403 403 403",
    "admin:auth_user_history[superuser]":             "200 200 403 403 403 | 200 200 403 403 403",
    "admin:auth_group_changelist":                    "200 200 403 403 403 | 200 200 403 403 403",
    "admin:auth_group_add":                           "200 403 403 403 403 | 200 403 403 403 403",
    "admin:auth_group_change":                        "200 200 403 403 403 | 200 403 403 403 403",
    "admin:auth_group_delete":                        "200 403 403 403 403 | 200 403 403 403 403",
    "admin:auth_group_history":                       "200 200 403 403 403 | 200 200 403 403 403",
    # --- API tokens: the superuser's business --------------------------------------------------------------
    "admin:token_blacklist_outstandingtoken_changelist": "200 403 403 403 403 | 200 403 403 403 403",
    "admin:token_blacklist_outstandingtoken_add":        "403 403 403 403 403 | 403 403 403 403 403",
    "admin:token_blacklist_outstandingtoken_change":     "200 403 403 403 403 | 403 403 403 403 403",
    "admin:token_blacklist_outstandingtoken_delete":     "403 403 403 403 403 | 403 403 403 403 403",
    "admin:token_blacklist_outstandingtoken_history":    "200 403 403 403 403 | 200 403 403 403 403",
    "admin:token_blacklist_blacklistedtoken_changelist": "200 403 403 403 403 | 200 403 403 403 403",
    "admin:token_blacklist_blacklistedtoken_add":        "200 403 403 403 403 | 200 403 403 403 403",
    "admin:token_blacklist_blacklistedtoken_change":     "200 403 403 403 403 | 200 403 403 403 403",
    "admin:token_blacklist_blacklistedtoken_delete":     "200 403 403 403 403 | 200 403 403 403 403",
    "admin:token_blacklist_blacklistedtoken_history":    "200 403 403 403 403 | 200 403 403 403 403",
    # --- locked logins (django-axes): the manager sees and unlocks them; the rows are written by the login -----
    "admin:axes_accessattempt_changelist":            "200 200 403 403 403 | 200 200 403 403 403",
    "admin:axes_accessattempt_add":                   "403 403 403 403 403 | 403 403 403 403 403",
    "admin:axes_accessattempt_change":                "200 200 403 403 403 | 403 403 403 403 403",
    "admin:axes_accessattempt_delete":                "200 200 403 403 403 | 200 200 403 403 403",
    "admin:axes_accessattempt_history":               "200 200 403 403 403 | 200 200 403 403 403",
}
# fmt: on

# Unnamed admin routes: Django's old change-page redirect and the admin's catch-all (both lead to named pages).
UNNAMED_ROUTES = (re.compile(r"^admin/[a-z_]+/[a-z_]+/<path:object_id>/$"), re.compile(r"^admin/\(\?P<url>\.\*\)\$$"))

VARIANTS = {
    "workshop_service": ("own", "other"),
    "workshop_invoice": ("issued", "draft"),
    "auth_user": ("staff", "superuser"),
}
NAME_VARIANTS = {
    "admin:app_list": ("workshop", "auth", "token_blacklist", "axes"),
    "admin:autocomplete": ("car", "part", "invoice", "user"),
}
AUTOCOMPLETE = {
    "car": ("workshop", "service", "car"),
    "part": ("workshop", "serviceitem", "part"),
    "invoice": ("workshop", "payment", "invoice"),
    "user": ("workshop", "customer", "user"),
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), (namespace + pattern.name) if pattern.name else None


def admin_routes() -> list[tuple[str, str | None]]:
    """(route, name) of every URL under /admin/, from the resolver."""
    return [(route, name) for route, name in _walk(get_resolver().url_patterns) if route.startswith("admin/")]


def _model_key(name: str) -> str | None:
    """`workshop_service` for `admin:workshop_service_change` (longest registered model prefix)."""
    keys = [f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry]
    matches = [key for key in keys if name.startswith(f"admin:{key}_")]
    return max(matches, key=len) if matches else None


def _is_object_url(route: str) -> bool:
    return any(marker in route for marker in ("<path:object_id>", "<id>", "<int:pk>", "history/([^/]+)"))


def variants(route: str, name: str) -> tuple[str, ...]:
    if name in NAME_VARIANTS:
        return NAME_VARIANTS[name]
    key = _model_key(name)
    if key in VARIANTS and _is_object_url(route):
        return VARIANTS[key]
    return ("",)


def expected_key(name: str, variant: str) -> str:
    return f"{name}[{variant}]" if variant else name


def matrix_cases():
    cases = []
    for route, name in admin_routes():
        if name is None:
            continue
        for variant in variants(route, name):
            for role in ROLES:
                for method in ("GET", "POST"):
                    cases.append(
                        pytest.param(
                            route, name, variant, role, method, id=f"{expected_key(name, variant)}-{role}-{method}"
                        )
                    )
    return cases


def expected_status(key: str, role: str, method: str) -> int:
    get, post = EXPECTED[key].split("|")
    codes = (get if method == "GET" else post).split()
    assert len(codes) == len(ROLES), f"{key}: one status per role expected"
    return int(codes[ROLES.index(role)])


# --- the garage --------------------------------------------------------------------------------------------------

PART_PRICE = Decimal("123.457")
PART_COST = Decimal("61.234")
LABOUR_RATE = Decimal("45.679")
PAYMENT = Decimal("92.815")
# The mechanic's cancelled job: paid in two, the second payment reversed, then refunded in part, the rest kept.
PAID_BEFORE_CANCEL = Decimal("150.125")
WRONG_PAYMENT = Decimal("33.375")
REFUNDED = Decimal("71.625")


class World:
    """One of each object a garage has, built through the factories and the billing functions."""

    def __init__(self, media_root):
        User = get_user_model()
        self.media_root = media_root
        self.users = {
            "root": f.UserFactory(username="root", is_superuser=True),
            "gerant": f.UserFactory(username="gerant", role=roles.MANAGER),
            "conseiller": f.UserFactory(username="conseiller", role=roles.ADVISER),
            "mecanicien": f.UserFactory(username="mecanicien", role=roles.MECHANIC),
            "comptable": f.UserFactory(username="comptable", role=roles.ACCOUNTANT),
        }
        other_mechanic = f.UserFactory(username="mecanicien2", role=roles.MECHANIC)
        accountant = self.users["comptable"]
        self.profile = f.WorkshopProfileFactory()
        customer = f.CustomerFactory(user=f.UserFactory(username="client", is_staff=False))
        car = f.CarFactory(owner=customer)
        part = f.PartFactory(unit_price=PART_PRICE, purchase_price=PART_COST)
        labour = f.LabourOperationFactory(hourly_rate=LABOUR_RATE)

        def job(mechanic, label):
            service = f.ServiceFactory(car=car, mechanic=mechanic, diagnosis=f"Diagnostic {label}")
            f.ServiceItemFactory(
                service=service, kind=ServiceItem.Kind.PART, part=part, unit_price=None, quantity=Decimal("2")
            )
            f.ServiceItemFactory(
                service=service, kind=ServiceItem.Kind.LABOUR, labour=labour, unit_price=None, quantity=Decimal("1.5")
            )
            Service.objects.filter(pk=service.pk).update(status=Service.Status.COMPLETED)
            service.refresh_from_db()
            return service

        own = job(self.users["mecanicien"], "du mécanicien")
        other = job(other_mechanic, "d'un autre mécanicien")
        issued = billing.issue_invoice(
            invoice=billing.create_invoice_from_service(service=own, user=accountant), user=accountant
        )
        billing.record_payment(invoice=issued, user=accountant, amount=PAYMENT, payment_date=timezone.localdate())
        labour_line = issued.lines.get(kind=ServiceItem.Kind.LABOUR)
        note = billing.create_credit_note(
            invoice=issued, user=accountant, reason="Geste commercial", quantities={labour_line.pk: Decimal("0.5")}
        )
        draft = billing.create_invoice_from_service(service=other, user=accountant)
        issued.refresh_from_db()
        self.refunded_job = job(self.users["mecanicien"], "annulé et remboursé")
        cancelled = billing.issue_invoice(
            invoice=billing.create_invoice_from_service(service=self.refunded_job, user=accountant), user=accountant
        )
        today = timezone.localdate()
        billing.record_payment(invoice=cancelled, user=accountant, amount=PAID_BEFORE_CANCEL, payment_date=today)
        wrong = billing.record_payment(invoice=cancelled, user=accountant, amount=WRONG_PAYMENT, payment_date=today)
        settlements.reverse_payment(payment=wrong, user=accountant, reason="Saisi deux fois")
        billing.create_credit_note(invoice=cancelled, user=accountant, reason="Travaux annulés")
        settlements.refund_customer(invoice=cancelled, user=accountant, amount=REFUNDED, method="cash")
        kept = settlements.keep_as_customer_credit(invoice=cancelled, user=accountant)
        lockout = AccessAttempt.objects.create(
            username="ancien.employe",  # not a role's account: their logins here would reset it
            ip_address="192.0.2.7",
            user_agent="navigateur",
            http_accept="text/html",
            path_info="/admin/login/",
            get_data="",
            post_data="username=gerant",
            failures_since_start=5,
        )
        notification = f.NotificationFactory(customer=customer, service=own)
        reminder = f.ReminderFactory(car=car)
        token = OutstandingToken.objects.create(
            user=self.users["root"], jti="matrix", token="t", expires_at=timezone.now() + timedelta(days=1)
        )
        # The dry run is a background task queued on commit: run it as the commit would.
        with override_settings(MEDIA_ROOT=media_root), TestCase.captureOnCommitCallbacks(execute=True):
            upload = Client()
            upload.force_login(self.users["conseiller"])
            rows = [f.garage_row(1), f.garage_row(2, **{"Téléphone": "pas un numéro"})]
            upload.post(
                reverse("admin:workshop_customerimport_upload"),
                {"file": SimpleUploadedFile("clients.csv", f.garage_csv(rows))},
            )
        record = CustomerImport.objects.get()
        assert record.rejects_file, "the import keeps a rejects file"
        self.objects = {
            "workshop_customer": {"": customer},
            "workshop_car": {"": car},
            "workshop_part": {"": part},
            "workshop_labouroperation": {"": labour},
            "workshop_service": {"own": own, "other": other},
            "workshop_invoice": {"issued": issued, "draft": draft},
            "workshop_payment": {"": issued.payments.get()},
            "workshop_creditnote": {"": note},
            "workshop_einvoice": {"": EInvoice.objects.create(invoice=issued, xml="<TEIF/>")},
            "workshop_refund": {"": kept},
            "workshop_notification": {"": notification},
            "workshop_reminder": {"": reminder},
            "workshop_notificationtemplate": {"": f.NotificationTemplateFactory()},
            "workshop_customerimport": {"": record},
            "workshop_workshopprofile": {"": self.profile},
            "auth_user": {"staff": other_mechanic, "superuser": self.users["root"]},
            "auth_group": {"": Group.objects.get(name=roles.MECHANIC)},
            "token_blacklist_outstandingtoken": {"": token},
            "token_blacklist_blacklistedtoken": {"": BlacklistedToken.objects.create(token=token)},
            "axes_accessattempt": {"": lockout},
        }
        self.car = car
        self.sessions = {}
        for role, user in self.users.items():
            client = Client()
            client.force_login(user)
            self.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert User.objects.filter(is_superuser=True).count() == 1

    def url(self, route: str, name: str, variant: str) -> str:
        if name == "admin:app_list":
            return reverse(name, kwargs={"app_label": variant})
        if name == "admin:autocomplete":
            app_label, model_name, field_name = AUTOCOMPLETE[variant]
            query = f"app_label={app_label}&model_name={model_name}&field_name={field_name}&term="
            return f"{reverse(name)}?{query}"
        if name == "admin:view_on_site":
            content_type = ContentType.objects.get_for_model(self.car)
            return reverse(name, kwargs={"content_type_id": content_type.pk, "object_id": self.car.pk})
        if name == "admin:search":
            return f"{reverse(name)}?s=ordre"
        key = _model_key(name)
        if key is None or not _is_object_url(route):
            return reverse(name)
        obj = self.objects[key][variant]
        if name.endswith("_simple_history"):
            history = getattr(type(obj), "history", None)
            rows = history.filter(**{type(obj)._meta.pk.attname: obj.pk}) if history else None
            version = rows.order_by("-history_id").first().history_id if history else 1
            return reverse(name, args=[obj.pk, version])
        for param in ("object_id", "pk", "id"):
            if f"<{param}>" in route or f":{param}>" in route:
                return reverse(name, kwargs={param: obj.pk})
        raise AssertionError(f"{name}: unknown URL parameters in {route}")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction rolled back at its end; each test rolls back its own."""
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic():
        with fast_hasher:
            built = World(tmp_path_factory.mktemp("media"))
        built.initial_state = database_state()  # where every test starts: its changes are rolled back
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def html_documents(monkeypatch, settings, world):
    """PDFs are laid out by WeasyPrint elsewhere (test_documents); here their HTML is enough and fast."""
    settings.MEDIA_ROOT = world.media_root

    def render_html(template_name, context, *, identity):
        return render_to_string(template_name, context).encode()

    monkeypatch.setattr("reports.documents.render_pdf", render_html)
    monkeypatch.setattr(
        "reports.documents.render_many",
        lambda documents, *, identity: b"".join(render_html(t, c, identity=identity) for t, c in documents),
    )


def database_state():
    """What a refused POST must not move: every row of every table the admin can write (sessions aside)."""
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in ("workshop", "auth", "token_blacklist", "axes")
        and model._meta.managed
        and model._meta.label != "auth.Permission"
    ]
    if connection.vendor == "postgresql":  # one round trip: a digest of each table's rows
        tables = sorted(model._meta.db_table for model in models)
        digest = "SELECT '{0}', COUNT(*), md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {0} t"
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(digest.format(table) for table in tables))
            return [tuple(row) for row in cursor.fetchall()]
    return [(model._meta.label, list(model._base_manager.order_by("pk").values_list())) for model in models]


def logged_in(world, role) -> Client:
    """A client carrying the role's session, opened once for the module (logging in costs two writes)."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


# --- the matrix ----------------------------------------------------------------------------------------------------


def test_every_admin_url_has_an_expected_entry():
    keys = set()
    for route, name in admin_routes():
        if name is None:
            assert any(shape.match(route) for shape in UNNAMED_ROUTES), f"unnamed admin URL {route}: name it"
            continue
        keys |= {expected_key(name, variant) for variant in variants(route, name)}
    assert sorted(keys - set(EXPECTED)) == [], "admin URLs without a line in EXPECTED"
    assert sorted(set(EXPECTED) - keys) == [], "lines in EXPECTED for URLs that no longer exist"


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name", "variant", "role", "method"), matrix_cases())
def test_admin_url_answers_each_role_as_expected(world, html_documents, route, name, variant, role, method):
    key = expected_key(name, variant)
    assert key in EXPECTED, f"{key} has no line in EXPECTED: state who may open it"
    expected = expected_status(key, role, method)
    client, url = logged_in(world, role), world.url(route, name, variant)
    response = (
        client.get(url) if method == "GET" else client.post(url, {} if name.endswith("_delete") else HARMLESS_POST)
    )
    assert response.status_code == expected, f"{method} {key} as {role}: {response.status_code}, expected {expected}"
    if method == "POST" and expected in REFUSALS:
        assert database_state() == world.initial_state, f"refused {method} {key} as {role} changed the database"


@pytest.mark.django_db
def test_the_database_state_sees_any_write(world):
    """The refusal check is only as good as this: an UPDATE without history, a new history row, a password."""
    assert database_state() == world.initial_state
    part = world.objects["workshop_part"][""]
    type(part).objects.filter(pk=part.pk).update(purchase_price=Decimal("1.000"))
    assert database_state() != world.initial_state
    type(part).objects.filter(pk=part.pk).update(purchase_price=PART_COST)
    assert database_state() == world.initial_state
    world.users["gerant"].set_password("autre")
    world.users["gerant"].save(update_fields=["password"])
    assert database_state() != world.initial_state


# --- bulk actions on the lists ------------------------------------------------------------------------------------

# changelist: {action: the roles offered it}. Django runs only an action it offers, so a role offered none of
# these cannot run it by posting its name; test_a_bulk_action_not_offered_changes_nothing checks that too.
# fmt: off
BULK_ACTIONS = {
    "admin:workshop_customer_changelist":        {"delete_selected": "root gerant"},
    "admin:workshop_car_changelist":             {"delete_selected": "root gerant"},
    "admin:workshop_part_changelist":            {"delete_selected": "root gerant"},
    "admin:workshop_labouroperation_changelist": {"delete_selected": "root gerant"},
    "admin:workshop_service_changelist": {
        "delete_selected": "root gerant",
        "bulk_start":      "root gerant conseiller mecanicien",
        "bulk_complete":   "root gerant conseiller mecanicien",
        "bulk_deliver":    "root gerant conseiller",
        "create_invoices": "root gerant comptable",
    },
    "admin:workshop_invoice_changelist": {
        "delete_selected":     "root gerant comptable",
        "bulk_issue":          "root gerant comptable",
        "invoices_as_one_pdf": "root gerant conseiller comptable",
        "export_teif":         "root gerant conseiller comptable",
    },
    "admin:workshop_payment_changelist":         {},
    "admin:workshop_creditnote_changelist":      {"export_teif": "root gerant conseiller comptable"},
    "admin:workshop_einvoice_changelist":        {},
    "admin:workshop_refund_changelist":          {},
    "admin:workshop_notification_changelist":    {"delete_selected": "root gerant"},
    "admin:workshop_reminder_changelist":        {},


    "admin:workshop_notificationtemplate_changelist": {"delete_selected": "root gerant"},
    "admin:workshop_customerimport_changelist":  {},
    "admin:workshop_workshopprofile_changelist": {},
    "admin:auth_user_changelist":                {"delete_selected": "root"},
    "admin:auth_group_changelist":               {"delete_selected": "root"},
    "admin:token_blacklist_outstandingtoken_changelist": {},
    "admin:token_blacklist_blacklistedtoken_changelist": {"delete_selected": "root"},
    "admin:axes_accessattempt_changelist": {"delete_selected": "root gerant", "unlock": "root gerant"},
}
# fmt: on
ACTION_SELECT = re.compile(r'<select[^>]*name="action".*?</select>', re.S)


def offered_actions(html: str) -> set[str]:
    select = ACTION_SELECT.search(html)
    return set(re.findall(r'<option value="([^"]+)"', select.group(0))) if select else set()


def changelist_names() -> list[str]:
    return [name for _route, name in admin_routes() if name and name.endswith("_changelist")]


def test_every_list_has_its_bulk_actions_stated():
    assert sorted(set(changelist_names()) ^ set(BULK_ACTIONS)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_offered_exactly_its_bulk_actions(world, role):
    for name, actions in BULK_ACTIONS.items():
        response = logged_in(world, role).get(reverse(name))
        if response.status_code != 200:
            continue  # the list itself is refused (see EXPECTED)
        expected = {action for action, roles_offered in actions.items() if role in roles_offered.split()}
        assert offered_actions(response.content.decode()) == expected, f"{name} as {role}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [role for role in ROLES if role != "root"])
def test_a_bulk_action_not_offered_changes_nothing(world, role):
    """Posting the name of an action the role is not offered, with the rows selected, moves nothing."""
    targets = {
        "admin:workshop_service_changelist": "workshop_service",
        "admin:workshop_invoice_changelist": "workshop_invoice",
    }
    for name, key in targets.items():
        for action, roles_offered in BULK_ACTIONS[name].items():
            if role in roles_offered.split():
                continue
            selected = [obj.pk for obj in world.objects[key].values()]
            response = logged_in(world, role).post(
                reverse(name), {"action": action, "_selected_action": selected, "index": "0", "post": "yes"}
            )
            assert response.status_code in (200, 302, 403), f"{action} as {role}"
            assert database_state() == world.initial_state, f"{action} as {role} changed the database"


# --- no price reaches a mechanic ---------------------------------------------------------------------------------

MONEY_WORDS = re.compile(
    r"\bprix\b|\btotal\s+(?:HT|TTC|TVA|dû)\b|\bmontants?\b|\bmarge\b|\bco[uû]t\b|\bnet à payer\b|\bDT\b|"
    r"\btaux horaire\b|\bencaiss",
    re.IGNORECASE,
)


def _holds_dinars(field) -> bool:
    """Amounts are DecimalField(max_digits=14, decimal_places=3) (quantities have 12 digits)."""
    return isinstance(field, DecimalField) and (field.max_digits, field.decimal_places) == (14, 3)


def money_spellings(world) -> set[str]:
    """Every non-zero amount stored in the garage, as the pages may print it."""
    amounts = set()
    for model in apps.get_models():
        if model._meta.app_label != "workshop":
            continue
        fields = [field.attname for field in model._meta.concrete_fields if _holds_dinars(field)]
        for row in model._base_manager.values_list(*fields) if fields else ():
            amounts |= {value for value in row if value}
    spellings = set()
    for amount in amounts:
        plain = f"{amount:.3f}"
        spellings |= {plain, plain.replace(".", ","), format_tnd(amount).split("\xa0")[0]}
        whole, millimes = plain.split(".")
        grouped = f"{int(whole):,}".replace(",", "\u202f")
        spellings |= {f"{grouped},{millimes}", f"{grouped.replace(chr(0x202F), chr(0xA0))},{millimes}"}
    return {spelling for spelling in spellings if len(spelling) >= 5}


def response_text(response) -> str:
    """What the user reads: the page, the JSON, or the text of a PDF."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8")


def mechanic_pages(world):
    pages = []
    for route, name in admin_routes():
        if name is None or name == "admin:logout":
            continue
        for variant in variants(route, name):
            key = expected_key(name, variant)
            if key in EXPECTED and expected_status(key, "mecanicien", "GET") == 200:
                pages.append((key, world.url(route, name, variant)))
    return pages


@pytest.mark.django_db
def test_no_price_reaches_a_mechanic(world):
    spellings = money_spellings(world)
    assert {"92,815", "123,457", "246,914", "33,375", "71,625"} <= spellings, "the seeded amounts are looked for"
    client = logged_in(world, "mecanicien")
    pages = mechanic_pages(world)
    # His cancelled job: its timeline holds the counter-payment, the refund and the credit kept.
    refunded = world.refunded_job.pk
    pages += [
        ("service_change[refunded]", reverse("admin:workshop_service_change", args=[refunded])),
        ("service_history[refunded]", reverse("admin:workshop_service_history", args=[refunded])),
    ]
    assert len(pages) > 20 and any("service_change[own]" in key for key, _url in pages)
    leaks = []
    for key, url in pages:
        response = client.get(url)
        assert response.status_code == 200, key
        text = response_text(response)
        found = sorted({s for s in spellings if s in text}) + sorted(set(MONEY_WORDS.findall(text)))
        if found:
            leaks.append(f"{key}: {found[:5]}")
    assert leaks == []
    timeline = response_text(client.get(reverse("admin:workshop_service_change", args=[refunded])))
    assert "Paiement contre-passé" in timeline, "the scan saw the counter-payment in his job's timeline"
    assert str(Refund.Kind.REFUND.label) in timeline and str(Refund.Kind.CREDIT.label) in timeline


def test_the_money_detector_sees_what_a_price_page_shows():
    """The detector itself: amounts and money labels as the admin prints them are found."""
    page = f"<td>{format_tnd(PAYMENT)}</td><th>Prix de vente HT</th><th>total TTC</th>"
    assert MONEY_WORDS.findall(page) and "92,815" in page
