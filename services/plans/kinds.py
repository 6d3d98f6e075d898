"""The outbox kinds an approval causes (their keys are in `services.outbox.keys`)."""

from __future__ import annotations

ADOPTED = "plan_adopted"  # a council's plan «принят на заседании Совета»: the chair is asked
APPROVED = "plan_approved"  # the plan is approved: the chair and the secretary are told
APPROVAL_KINDS = (ADOPTED, APPROVED)
