"""Everything a person opens: the tracker site, the HTML quality report and the spreadsheet exports."""
