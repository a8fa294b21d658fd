"""The names of the files a class's results folder holds (``grade-class --out DIR``)."""

GRADES, CLASS_REPORT = "grades.csv", "class_report.md"
REPORTS, FEEDBACK = "reports", "feedback"  # folders: <student>.json and <student>.md
