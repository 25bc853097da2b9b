"""Response outputs: case reports, target briefs, platform referrals, STIX, graph files and tables."""

from .brief import write_brief, write_briefs
from .graphs import export_graph
from .referral import write_referral
from .report import write_report
from .stix import export_stix
from .tables import export_tables

__all__ = ["write_report", "write_brief", "write_briefs", "write_referral", "export_stix", "export_graph", "export_tables"]
