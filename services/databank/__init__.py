"""The data bank of members (002 Annex 4 §5.1; issue 18, item 4).

completeness  the one definition of a person's filled answers, used by the overview and the export
export        the bank of an association (its chair) or of services (their methodists) for XLSX
terms         the reminder before a qualification category's term ends
queries       the select builders
"""

from services.databank import completeness as completeness
from services.databank.export import ContestRow as ContestRow
from services.databank.export import CourseRow as CourseRow
from services.databank.export import DataBank as DataBank
from services.databank.export import Entry as Entry
from services.databank.export import association_bank as association_bank
from services.databank.export import service_bank as service_bank
from services.databank.terms import CATEGORY_TERM as CATEGORY_TERM
from services.databank.terms import TermDetails as TermDetails
from services.databank.terms import TermSettings as TermSettings
from services.databank.terms import remind_category_terms as remind_category_terms
from services.databank.terms import still_current as still_current
from services.databank.terms import term_details as term_details
from services.databank.terms import term_end as term_end
