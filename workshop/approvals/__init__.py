"""The customer's approval of an estimate, line by line (issue 13).

`links` makes and opens the signed, expiring links; `decisions` records each line's answer as evidence and moves
the job to « Accepté » by the workflow; `page` is the public page the link opens; `throttle` limits it.
"""
