"""The periodic El Fatoora run (CELERY_BEAT_SCHEDULE["send-einvoices"]): prepare the e-invoices of newly issued
documents, sign them with the garage's seal, deposit them at TTN and ask for TTN's answers. Each step runs only
when configured (ECAR_EINVOICING and ECAR_EINVOICING_FROM; ECAR_TEIF_P12; ECAR_TTN_*)."""

import logging

from celery import shared_task
from django.conf import settings

from . import records, ttn

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def send_einvoices() -> dict:
    prepared, failures = records.prepare_pending(limit=settings.ECAR_TTN_BATCH)
    for failure in failures:
        logger.error("E-invoice not prepared: %s", failure)
    signed = records.sign_pending(limit=settings.ECAR_TTN_BATCH)
    outcome = (
        {"prepared": prepared, "refused_by_validation": len(failures), "signed": signed}
        if prepared or failures or signed
        else {}
    )
    return {**outcome, **ttn.run_pending()}
