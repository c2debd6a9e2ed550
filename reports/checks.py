"""Start-up checks for what PDF rendering needs from the system, so a missing library shows at `manage.py check`
time rather than as a slower, larger or wrongly shaped invoice later."""

from django.core import checks

HARFBUZZ_SUBSET_MINIMUM = (4, 1, 0)  # WeasyPrint needs hb_set_add_sorted_array, added in HarfBuzz 4.1


def harfbuzz_subset_available() -> bool:
    from weasyprint.text import ffi

    return ffi.harfbuzz_subset is not None and bool(ffi.harfbuzz.hb_version_atleast(*HARFBUZZ_SUBSET_MINIMUM))


@checks.register()
def check_font_subsetting(app_configs=None, **kwargs):
    if harfbuzz_subset_available():
        return []
    return [
        checks.Warning(
            "HarfBuzz-Subset (≥ 4.1) est introuvable : WeasyPrint découpe les polices avec fontTools, plus lent, "
            "et le PDF ne reste identique d'une impression à l'autre que grâce à SOURCE_DATE_EPOCH.",
            hint="sudo apt-get install -y --no-install-recommends libharfbuzz-subset0 (ou : make system-packages)",
            id="reports.W001",
        )
    ]
