"""A list page loads the columns its cells read, not every column of every joined row.

The job list joins the car, the customer and the mechanic to each job: some seventy columns a row, parsed and set
on four model instances, of which its eight cells read fourteen. An admin names those in `list_only`; the page's
rows are then read with `.only()`, while the count, the filters, the actions and the date hierarchy keep the full
queryset. A cell reading a column left out would cost a query per row: the admin's query-count tests (the same
count for one row and for many) catch it.
"""

from functools import cache


class ListOnlyMixin:
    list_only: tuple[str, ...] = ()

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        return _reading_only(changelist) if self.list_only else changelist


@cache
def _reading_only(changelist):
    class ReadingOnly(changelist):
        def get_results(self, request):
            full = self.queryset
            self.queryset = full.only(*self.model_admin.list_only)
            try:
                super().get_results(request)
            finally:
                self.queryset = full

    ReadingOnly.__name__ = ReadingOnly.__qualname__ = f"ReadingOnly{changelist.__name__}"
    return ReadingOnly
