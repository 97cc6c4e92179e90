"""Sheet, column and setting names, and how loosely they match (SPEC §1).

A name matches when it is equal after ``keys.normalize`` (case-folding, trimming, treating
``_`` and ``-`` as spaces, collapsing spaces, and dropping a parenthesised remark or a
trailing ``*``/``:``: ``Amount ($)`` is ``Amount``, ``Rep ID*`` is ``Rep ID``), or when it is
one of the listed synonyms.
"""

from __future__ import annotations

from dataclasses import dataclass

from goalreport.core.keys import normalize
from goalreport.core.locales import FALLBACK


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    #: The name written in templates and messages.
    title: str
    synonyms: tuple[str, ...] = ()
    required: bool = False

    def matches(self, header: str) -> bool:
        wanted = {normalize(self.title), *(normalize(s) for s in self.synonyms)}
        return normalize(header) in wanted


@dataclass(frozen=True)
class SheetSpec:
    key: str
    title: str
    columns: tuple[ColumnSpec, ...]
    synonyms: tuple[str, ...] = ()
    required: bool = False

    def matches(self, name: str) -> bool:
        return normalize(name) in {normalize(self.title), *(normalize(s) for s in self.synonyms)}

    def column(self, key: str) -> ColumnSpec:
        return next(c for c in self.columns if c.key == key)


def _col(key: str, title: str, *synonyms: str, required: bool = False) -> ColumnSpec:
    return ColumnSpec(key, title, synonyms, required)


REP_ID = _col("rep_id", "Rep ID", "ID", "Rep", "RepID", required=True)
#: What a column naming a commission plan is called (on the Goals sheet without the bare
#: "Plan", which there says a target, as in "Sales Plan").
PLAN_WORDS = ("Commission Plan", "Comp Plan", "Compensation Plan", "Plan Name",
              "Commission Plan Name")

REPS = SheetSpec("reps", "Reps", (
    REP_ID,
    _col("name", "Name", "Rep Name", "Full Name", required=True),
    _col("email", "Email", "E mail", "Email Address"),
    _col("team", "Team"),
    _col("manager", "Manager", "Manager ID", "Reports To", "Sales Manager"),
    _col("start_date", "Start Date", "Start", "Started", "Hire Date"),
    _col("ramp_months", "Ramp Months", "Ramp"),
    _col("ramp_schedule", "Ramp Schedule", "Ramp Plan", "Ramp Percent", "Ramp %"),
    _col("active", "Active"),
    _col("crm_id", "CRM ID", "CRM User ID", "Owner ID", "OwnerId"),
    _col("territory", "Territory", "Sales Territory", "Territory Name"),
    _col("region", "Region", "Sales Region", "Region Name"),
    _col("segment", "Segment", "Market Segment", "Customer Segment", "Sales Segment"),
    _col("commission_plan", "Plan", *PLAN_WORDS),
), synonyms=("Rep", "Sales Reps", "Team Members"), required=True)

#: Managers who are not reps (or who are: a Manager ID that is a Rep ID is that rep),
#: and whom they report to: the manager tree above the reps (SPEC §1).
MANAGERS = SheetSpec("managers", "Managers", (
    _col("manager_id", "Manager ID", "ID", "Manager", required=True),
    _col("name", "Name", "Manager Name", "Full Name", required=True),
    _col("email", "Email", "E mail", "Email Address"),
    _col("reports_to", "Reports To", "Reports To ID", "Parent", "Parent Manager",
         "Manager's Manager"),
    _col("territory", "Territory", "Sales Territory", "Territory Name"),
), synonyms=("Manager", "Sales Managers", "Management"))

GOALS = SheetSpec("goals", "Goals", (
    REP_ID,
    _col("year", "Year", "Goal Year", "Fiscal Year", required=True),
    _col("new_target", "New Client Target", "New Target", "New Clients Target",
         required=True),
    _col("repeat_target", "Repeat Client Target", "Repeat Target", "Repeat Clients Target",
         required=True),
    _col("avg_deal_size", "Avg Deal Size", "Average Deal Size"),
    _col("avg_new_deal_size", "Avg New Deal Size", "Average New Deal Size"),
    _col("avg_repeat_deal_size", "Avg Repeat Deal Size", "Average Repeat Deal Size"),
    _col("close_rate", "Close Rate", "Closing Rate", "Win Rate"),
    _col("meetings_per_lead", "Meetings per Lead", "Meetings Per Lead"),
    _col("focus_hours", "Focus Hours per Week", "Focus Hours", "Focus Hours a Week"),
    _col("commission_plan", *PLAN_WORDS),
), synonyms=("Goal", "Quotas", "Quota", "Targets"), required=True)

ACTIVITY = SheetSpec("activity", "Activity", (
    _col("date", "Date", "Day", required=True),
    REP_ID,
    _col("type", "Type", "Activity Type", "Activity", required=True),
    _col("client", "Client", "Customer", "Account"),
    _col("client_type", "Client Type", "Customer Type"),
    _col("amount", "Amount", "Deal Amount", "Value", "Deal Value"),
    _col("hours", "Hours", "Focus Hours"),
    _col("notes", "Notes", "Note", "Comments"),
    # Credit (SPEC §3): which deal a row is (for the Splits sheet), and when a won deal
    # was invoiced and paid (for Settings' Credit On).
    _col("deal_id", "Deal ID", "Opportunity ID", "Deal Number", "Record ID"),
    *(_col(key, title, *synonyms) for key, title, synonyms in (
        ("invoiced_date", "Invoiced Date", ("Invoice Date", "Date Invoiced", "Invoiced On")),
        ("paid_date", "Paid Date", ("Payment Date", "Date Paid", "Paid On")),
        ("paid_amount", "Paid Amount", ("Amount Paid", "Payment Amount")))),
), synonyms=("Activities", "Activity Log", "Log"), required=True)

SETTINGS = SheetSpec("settings", "Settings", (
    _col("name", "Setting", "Name"),
    _col("value", "Value"),
), synonyms=("Setting", "Config", "Configuration", "Options"))

SEASONALITY = SheetSpec("seasonality", "Seasonality", (
    _col("month", "Month", required=True),
    _col("weight", "Weight", "Factor", required=True),
), synonyms=("Seasonal Weights", "Season"))

HOLIDAYS = SheetSpec("holidays", "Holidays", (
    _col("date", "Date", "Day", required=True),
    _col("name", "Name", "Holiday"),
), synonyms=("Holiday", "Days Off", "Company Holidays"))

TIME_OFF = SheetSpec("time_off", "Time Off", (
    REP_ID,
    _col("start", "From", "Start", "Start Date", "First Day", required=True),
    _col("end", "To", "End", "End Date", "Until", "Last Day", required=True),
    _col("reason", "Reason", "Note", "Notes"),
    _col("relief", "Relief", "Quota Relief", "Target Relief"),
), synonyms=("Timeoff", "Absences", "Absence", "Leave", "PTO", "Vacation"))

#: The optional sheet of dated rates for CRM deals in another currency (``crm.rates``).
#: Not in ``SHEETS``: the template does not lay it out, as most teams have one currency.
EXCHANGE_RATES = SheetSpec("exchange_rates", "Exchange Rates", (
    _col("currency", "Currency", "Currency Code", "ISO Code", "IsoCode", required=True),
    _col("rate", "Rate", "Conversion Rate", "ConversionRate", "Exchange Rate", required=True),
    _col("start", "From", "Start Date", "StartDate", "Start", "Effective Date",
         required=True),
), synonyms=("Exchange Rate", "Currency Rates", "Dated Exchange Rates", "Conversion Rates"))
#: Open deals typed by hand (the computed sheet of open deals by month is "Pipeline by
#: Month", so the two names never meet). A pasted CRM export in a sheet of this name is
#: read as the export.
PIPELINE = SheetSpec("pipeline", "Pipeline", (
    REP_ID,
    _col("deal", "Deal", "Deal Name", "Opportunity", "Opportunity Name", "Name"),
    _col("stage", "Stage", "Deal Stage", "Sales Stage"),
    _col("amount", "Amount", "Deal Amount", "Value", "Deal Value", required=True),
    _col("close_date", "Close Date", "Expected Close Date", "Expected Close", "Closing Date",
         required=True),
    _col("probability", "Probability", "Win Probability", "Likelihood"),
    _col("category", "Forecast Category", "Forecast", "Forecast Category Name"),
    _col("notes", "Notes", "Note", "Next Step"),
), synonyms=("Open Deals", "Open Pipeline", "Open Opportunities"))

#: Each CRM stage's probability and forecast category, for deals that do not give theirs.
STAGES = SheetSpec("stages", "Stages", (
    _col("stage", "Stage", "Deal Stage", "Stage Name", required=True),
    _col("probability", "Probability", "Win Probability", "Default Probability"),
    _col("category", "Forecast Category", "Forecast", "Forecast Category Name"),
), synonyms=("Deal Stages", "Pipeline Stages", "Stage Probabilities"))

#: Commission plans: one row per band of attainment (SPEC §1, §3 Commission). The words
#: are those tier tables use: Odoo's "Target completion (%)" levels, "Min % / Max %" and
#: "Commission Rate" of rate tables, slabs, "Tier Type" graduated or cliff
#: (tests/test_commission_sheet.py reads such a header).
COMMISSION = SheetSpec("commission", "Commission", (
    _col("plan", "Plan", *PLAN_WORDS),
    _col("tier", "Tier", "Tier Name", "Level", "Band", "Slab", "Tier Level", "Level Name"),
    _col("start", "From", "Min %", "Min", "Minimum", "From %", "Min Attainment",
         "Attainment From", "Achievement From", "Lower Bound", "Target Completion",
         "Threshold", "Greater Than", "Start", "Minimum Attainment", required=True),
    _col("end", "To", "Max %", "Max", "Maximum", "To %", "Up To", "Max Attainment",
         "Attainment To", "Achievement To", "Upper Bound", "Less Than", "Until",
         "Maximum Attainment"),
    _col("rate", "Rate", "Commission Rate", "Commission %", "Commission Percent", "Rate %",
         "Percentage", "Payout Rate", "Commission Rate %", "Accelerator", "Accelerator Rate",
         "Multiplier", required=True),
    _col("bonus", "Bonus", "Bonus Amount", "Fixed Bonus", "Kicker", "One Time Bonus",
         "Lump Sum", "Tier Bonus"),
    _col("basis", "Basis", "Method", "Tier Type", "Calculation", "Commission Type",
         "Rate Applies To", "Applies To"),
    _col("cap", "Cap", "Commission Cap", "Payout Cap", "Max Payout", "Maximum Payout",
         "Capped At", "Cap Amount"),
    _col("notes", "Notes", "Note", "Comments", "Description"),
), synonyms=("Commissions", "Commission Plans", "Commission Plan", "Commission Tiers",
             "Commission Table", "Comp Plans", "Tiers"))

#: The optional sheet dividing deals' credit between reps (SPEC §3 Credit): one row per
#: rep and deal. Not in ``SHEETS``, as Exchange Rates: most teams split no deals. A
#: Salesforce splits export pasted into a sheet of this name is read as the export it is
#: (``crm.splits``), by its header.
SPLITS = SheetSpec("splits", "Splits", (
    _col("deal_id", "Deal ID", "Opportunity ID", "Deal Number", "Record ID", required=True),
    _col("rep_id", "Rep ID", "Rep", "RepID", "Split Owner", "Team Member", required=True),
    _col("share", "Split %", "Split Percent", "Split Percentage", "Percent", "Share",
         required=True),
    _col("split_type", "Split Type", "Type"),
), synonyms=("Split", "Deal Splits", "Opportunity Splits", "Credit Splits"))

#: Where a rep was when (SPEC §3 Credit, Team History): a deal credits the team, manager
#: and territory of its rep on its credit date.
TEAM_HISTORY = SheetSpec("team_history", "Team History", (
    REP_ID,
    _col("team", "Team"),
    _col("manager", "Manager", "Manager ID", "Reports To"),
    _col("territory", "Territory", "Sales Territory"),
    _col("start", "From", "Start", "Start Date", "From Date", "Since"),
    _col("end", "To", "End", "End Date", "To Date", "Until"),
), synonyms=("Team Changes", "Rep History", "Team Moves", "Membership History"))

#: Every input sheet, in the order messages are sorted and the template is laid out.
SHEETS: tuple[SheetSpec, ...] = (REPS, MANAGERS, GOALS, ACTIVITY, SETTINGS, SEASONALITY,
                                 HOLIDAYS, TIME_OFF, PIPELINE, STAGES, COMMISSION)

#: Activity types and the words people write for them (SPEC §1).
ACTIVITY_TYPES: dict[str, tuple[str, ...]] = {
    "lead": ("new lead", "leads", "prospect"),
    "meeting": ("call", "visit", "demo", "meetings"),
    "won": ("closed won", "sale", "deal won", "win"),
    "lost": ("closed lost", "deal lost", "loss"),
    "focus": ("focus block", "planning", "focus time"),
}
TYPE_WORDS: dict[str, str] = {
    normalize(word): kind
    for kind, words in ACTIVITY_TYPES.items()
    for word in (kind, *words)
}
CLIENT_TYPES: dict[str, str] = {
    "new": "new", "new client": "new", "new business": "new",
    "repeat": "repeat", "repeat client": "repeat", "existing": "repeat",
    "existing client": "repeat", "returning": "repeat",
}


def type_choices() -> str:
    """'lead (or new lead), meeting (or call, visit, demo), …' for messages."""
    return ", ".join(
        f"{kind} (or {', '.join(words[:3])})" for kind, words in ACTIVITY_TYPES.items())


@dataclass(frozen=True)
class SettingSpec:
    key: str
    title: str
    default: str
    synonyms: tuple[str, ...] = ()
    #: One line for the template's Instructions sheet.
    help: str = ""

    def matches(self, name: str) -> bool:
        return normalize(name) in {normalize(self.title), *(normalize(s) for s in self.synonyms)}


#: Settings naming an export's column for a role: (role, setting title, what it holds,
#: an example); the role is ``crm.formats``' (``is_won`` for the won flag).
CRM_COLUMN_SETTINGS: tuple[tuple[str, str, str, str], ...] = (
    ("owner", "Owner", "deal owner", "Account Executive"),
    ("stage", "Stage", "stage or status", "Deal - Phase"),
    ("is_won", "Won", "won flag (true/false)", "Is Closed Won"),
    ("date", "Close Date", "close date", "Deal - Closing Date"),
    ("amount", "Amount", "amount", "Deal - Discounted amount"),
    ("currency", "Currency", "amount's currency", "Deal - Currency"),
    ("client", "Client", "client (account, company)", "Deal - Organization"),
    ("client_type", "Type", "new or repeat client type", "Deal - New or repeat"),
    ("invoiced_date", "Invoiced Date", "invoiced date (Credit On invoiced)", "Invoice Sent"),
    ("paid_date", "Paid Date", "paid date (Credit On paid)", "Payment Received"),
    ("paid_amount", "Paid Amount", "amount paid so far", "Amount Received"),
)

SETTING_SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("company", "Company", "", ("Company Name",),
                "Your company's name, shown on every report."),
    SettingSpec("currency", "Currency", "USD", ("Currency Code",),
                "ISO 4217 code of the money in this workbook, such as USD, EUR or GBP."),
    SettingSpec("locale", "Locale", FALLBACK, ("Language",),
                "How numbers and dates are written, such as en_US, en_GB, de_DE, fr_FR."),
    SettingSpec("fiscal_year_start", "Fiscal Year Start", "1",
                ("Fiscal Year Start Month", "Financial Year Start"),
                "Month the goal year starts in: 1 for January, 4 or April for April."),
    SettingSpec("working_days", "Working Days", "Mon-Fri", ("Work Days", "Workdays"),
                "Days your team works, such as Mon-Fri or Sun-Thu or Mon,Tue,Thu."),
    SettingSpec("holiday_country", "Holiday Country", "",
                ("Country", "Holidays Country", "Public Holidays"),
                "Country whose public holidays are days off, with its region where the "
                "regions differ: US, US-CA, GB-ENG (England), GB-SCT, DE-BY, FR."),
    SettingSpec("as_of", "As Of", "", ("As Of Date", "Report Date"),
                "Date progress is measured at; leave empty for today."),
    SettingSpec("default_close_rate", "Default Close Rate", "1/3", (),
                "Share of leads you expect to close when a rep has no history: 1/3 or 30%."),
    SettingSpec("default_meetings_per_lead", "Default Meetings per Lead", "1", (),
                "Meetings a lead usually takes when a rep has no history."),
    SettingSpec("default_avg_deal_size", "Default Avg Deal Size", "",
                ("Default Average Deal Size",),
                "Deal size to assume when neither the goal nor the history gives one."),
    SettingSpec("realism_threshold", "Realism Threshold", "1.5", (),
                "How far above a rep's own history a plan may go before it is flagged."),
    SettingSpec("on_track_pace", "On Track Pace", "100%", ("On Track Threshold", "On Track"),
                "Pace (actual ÷ expected to date) at or above which a rep is On track."),
    SettingSpec("slightly_behind_pace", "Slightly Behind Pace", "90%",
                ("Slightly Behind Threshold", "Slightly Behind"),
                "Pace at or above which a rep is Slightly behind."),
    SettingSpec("at_risk_pace", "At Risk Pace", "75%", ("At Risk Threshold", "At Risk"),
                "Pace at or above which a rep is At risk; below it, Behind."),
    SettingSpec("won_stages", "Won Stages", "", ("Won Stage", "Closed Won Stages"),
                "CRM export stages that mean a won deal, besides Closed Won: Signed; Booked."),
    SettingSpec("lost_stages", "Lost Stages", "", ("Lost Stage", "Closed Lost Stages"),
                "CRM export stages that mean a lost deal, besides Closed Lost: Dead; No go."),
    *(SettingSpec(f"{role}_column", f"{title} Column", "", (f"{title} Field",),
                  f"The CRM export's column for the {what}, when it is not the usual one: "
                  f"{example}.")
      for role, title, what, example in CRM_COLUMN_SETTINGS),
    SettingSpec("new_types", "New Types", "", ("New Type Values",),
                "Values of the export's type column that mean a new client: First deal; "
                "Logo."),
    SettingSpec("repeat_types", "Repeat Types", "", ("Repeat Type Values",),
                "Values of the export's type column that mean a repeat client: Upsell; "
                "Returning."),
    SettingSpec("other_owners", "Other Owners", "leave out", ("Other Deal Owners",),
                "Deals of CRM owners who are not reps: leave out (one warning each), or "
                "error."),
    SettingSpec("credit_on", "Credit On", "booked", ("Credit When", "Count Deals On"),
                "When a won deal counts: booked (its close date), invoiced (its Invoiced "
                "Date) or paid (as it is paid: Paid Date, Paid Amount)."),
    SettingSpec("revenue_split_types", "Revenue Split Types", "", ("Revenue Split Type",),
                "Split types (names or CRM IDs) that divide a deal's revenue, besides "
                "Revenue: 149A0000000Abcd."),
    SettingSpec("overlay_split_types", "Overlay Split Types", "", ("Overlay Split Type",),
                "Split types that credit a rep on top of the revenue, besides Overlay: "
                "Presales; 149A0000000Efgh."),
    SettingSpec("manager_email", "Manager Email", "", ("Manager E-mail", "Manager Address"),
                "Where 'goalreport send' mails the team summary and who was sent what."),
    SettingSpec("default_relief", "Default Relief", "none", ("Quota Relief",),
                "Time off without a Relief: none keeps the target (over fewer days); "
                "prorate takes off what the days away would carry."),
    SettingSpec("landing", "Landing", "Commit", ("Landing Forecast", "Landing Method"),
                "Where a rep is heading with open deals: Commit (won + commit deals) or "
                "Weighted (won + every open deal × its probability)."),
    SettingSpec("coverage_target", "Coverage Target", "", ("Pipeline Coverage Target",
                                                           "Coverage Ratio"),
                "Open pipeline wanted per unit of target still to win, such as 3x; empty "
                "for 1 ÷ the rep's close rate (3x at one lead in three)."),
    SettingSpec("default_plan", "Default Plan", "", ("Default Commission Plan",),
                "The Commission sheet's plan of every rep whose Reps or Goals row names "
                "none; empty: those reps get no commission figures."),
)


def find_setting(name: str) -> SettingSpec | None:
    return next((spec for spec in SETTING_SPECS if spec.matches(name)), None)
