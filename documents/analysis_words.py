"""The wording of «Анализ работы профессионального объединения педагогов» (000 Приложение 2,
and the table after the plan in Приложение 1): English msgids whose Russian translations are
the form's headings in its order and spelling (tests/test_analysis_documents.py compares
them with the seed's text), and the labels of the tables' rows."""

from __future__ import annotations


def N_(message: str) -> str:
    return message


# The table after the plan (Приложение 1), then the analysis (Приложение 2), in order.
THEME, GOAL, TASKS = N_("Theme"), N_("Goal"), N_("Tasks")
TASKS_COLUMNS = (
    N_("No."),
    N_("Tasks of the professional association for the %(year)s school year"),
    N_("Events of the professional association aimed at the task"),
    N_("Result"),
    N_("Product"),
)
TASKS_CONCLUSIONS = N_("Conclusions on the tasks set and how effectively they were fulfilled:")
MAIN_QUESTIONS = N_(
    "Main questions considered by the professional association in the %(year)s school year:"
)
TITLE = N_("Analysis of the work of the professional association of teachers")
ATTENDANCE = N_("Attendance of the professional association in the %(year)s school year:")
SCHOOL = N_("School (ОО)")
MEETING_DATES = N_("Dates of the meetings of the professional association")
TOTAL = N_("Total")
ATTENDANCE_CONCLUSIONS = N_("Main conclusions on attendance, problems, ways to solve them:")
FORMAT = N_("Format of the professional association in the %(year)s year:")
EFFECTIVENESS = N_(
    "Assessment of the effectiveness of the professional association in the %(year)s year "
    "(based on the survey, questionnaire):"
)
UNREALISED = N_("Unrealised tasks, topics, directions, unsolved problems:")
QUALIFICATION = N_("Results of the teachers' professional development in the %(year)s school year:")
DIRECTIONS = N_("Main directions of professional development:")
DIRECTION_COLUMNS = (N_("No."), N_("Direction"), N_("Number of people"), N_("%"))
FORMS = N_("Forms of professional development:")
FORM_IN_PERSON, FORM_DISTANCE = N_("full-time"), N_("distance learning")
EXPERIENCE = N_(
    "Sharing of experience and practical results of professional work by the members of the "
    "professional association:"
)
EXPERIENCE_COLUMNS = (N_("No."), N_("Direction"), N_("People in all"), N_("%"))
VENUES = {
    "shmo": N_("At the meetings of the school methodological association"),
    "pedsovet": N_("At the meetings of the teachers' council"),
    "association": N_("A talk at the city (district) methodological association"),
    "municipal": N_("At municipal events"),
    "regional": N_("At regional events"),
    "publication": N_("Publications"),
    "none": N_("Experience was not shared"),
}
MASTERY = N_(
    "Results of the professional association's work on improving professional mastery and "
    "nominating teachers for professional contests:"
)
GIFTED = N_("Work of the professional association with gifted and talented children:")
CONTENT = N_("Work on updating the content of education:")
SATISFACTION = N_(
    "Satisfaction of the participants of the professional association with their own work "
    "(based on the survey, questionnaire):"
)
DEFICITS = N_(
    "Improving the professional mastery of teachers on the basis of the diagnostics of "
    "professional deficits:"
)
DEFICIT_COLUMNS = (N_("Indicators"), N_("Documents"), N_("Values"))
DEFICIT_ROWS = (
    N_("Teachers diagnosed in federal procedures"),
    N_("Teachers diagnosed in regional procedures"),
    N_("Teachers with an individual educational route at the ЦНППМ"),
    N_("Teachers with an individual plan of professional development at their school"),
    N_("The deficits of professional competences were analysed on the basis of the diagnostics"),
    N_("Measures, events, targeted recommendations to remove the deficits found"),
)
PARTNERSHIP = N_("Social partnership (organisations, aims of cooperation, result):")
OPENNESS = N_("Information openness of the association:")
CONCLUSION = N_("Conclusion:")
RECOMMENDATIONS = N_("Recommendations:")
PROPOSALS = N_(
    "Proposals for the work plan of the Education Authority for the %(next)s school year:"
)
APPENDIX = N_("Appendix to the analysis")
NEEDS = N_("Professional needs (the needs survey)")
PLAN_HELD = N_("Plan against held: meetings held %(held)s, planned and not yet held %(planned)s.")
CHART = N_("Attendance per meeting")
NO_DATA = N_("no data")
CHAIR_WRITES = N_("(written by the chair)")
YES, NO = N_("yes"), N_("no")
PEOPLE = N_("people")
ANSWERED = N_("Answered: %(respondents)s of %(recipients)s (%(percent)s)")
HIDDEN = N_("The figures are not shown: too few answers to keep the survey anonymous.")
AVERAGE = N_("average %(value)s")
FORM_NAMES = {"in_person": N_("in person"), "absentee": N_("absentee"), "hybrid": N_("hybrid")}
KIND_NAMES = {
    "meeting": N_("meetings"),
    "seminar": N_("practical seminars"),
    "extraordinary": N_("of them extraordinary"),
}
CONTESTS = N_("Contests and results (from the members' year-end reports):")
OPEN_LESSONS = N_("Open lessons (from the members' year-end reports):")
