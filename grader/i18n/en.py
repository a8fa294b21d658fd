"""The English catalogue: every student-facing message the grader writes, by id.

English is the grader's own language: these templates give, byte for byte, the
text that reports and regrades have always had. Text written elsewhere in
English (a check's ``context=``, say) is used as written, so English has no
phrase table.
"""

MESSAGES = {
    # grader.feedback.expect: what a function returned
    "where": " {context}",
    "pair": "{name} should return a pair (out, cache); it returned {kind}.",
    "tuple": "{name} should return {length} values ({what}); it returned {kind}.",
    "not_array": "{name}{where} should return a NumPy array; it returned {kind}.",
    "shape": "{name}{where} returned shape {actual}; expected {expected}{flipped}.",
    "transposed_q": " (transposed?)",
    "dtype": ("{name}{where} returned dtype {actual}; expected {expected} "
              "(keep the input's dtype: float32 in, float32 out)."),
    "values": "{name}{where}: {mismatch}",
    "not_scalar": "{name}{where} should return a float or a 0-d array; it returned {kind}.",
    "scalar_nonfinite": "{name}{where} returned {value}; expected {expected:.4g}.",
    "scalar": "{name}{where} returned {value:.6g}; expected {expected:.4g}{hint}.",
    "scalar_hint": ". Likely mistake: {mistake}",
    "nonfinite": ("{name}{where} returned {count} non-finite value(s) (NaN or inf), the first "
                  "{first} at index {index}. Values: {values}."),
    "warning": ("{name}{where} raised a warning: {warning}. "
                "A stable implementation never overflows."),
    "modified": ("{name} modified its argument(s) {names} in place. Functions must leave their "
                 "inputs untouched: the caller may still need them (use out-of-place "
                 "operations, or copy first)."),
    "kind_array": "an array of shape {shape}",
    "kind_sequence": "a {type} of {count} items",
    "kind_none": "None",
    "kind_other": "a {type}",
    # grader.feedback.describe: how values differ, and the likely mistake
    "mismatch": ("{wrong} of {size} values differ from torch's. The largest error is "
                 "{error:.3g} at index {index}: expected {expected:.4g}, got {actual:.6g}. "
                 "Expected {expected_preview}, got {actual_preview}. Likely mistake: {mistake}"),
    "except_at": "it is right everywhere except {words}.",
    "transposed": "the result is transposed.",
    "sign_flipped": "the sign is flipped.",
    "constant_factor": "the result is off by a constant factor of {factor}.",
    "factor_whole": "{whole} (a missing division, by N perhaps?)",
    "factor_inverse": "1/{inverse} (a missing factor of {inverse}, or an extra division by N?)",
    "shape_right": "the shape is right but the values are not.",
    # grader.score.outcome: a test item that did not pass
    "timeout": "{function} {what}: is there an endless loop?",
    "child_died": "the process running your code {what} during {function}.",
    "grader_fault": ("this check could not be graded because of an error in the grader "
                     "({type}); it is not your mistake, and the instructor has been told."),
    "unusable": "the check could not use what {function} returned ({type}: {error}).",
    "not_implemented": "{function} is not implemented yet.",
    "raised": "{function} raised {type}: {error}{where}.",
    "raised_at": " at {where}",
    # grader.score.scoring: a check or unit as a whole
    "no_test_ran": "no test ran for this check.",
    "not_attempted": "not attempted: the submission has no {file}.",
    "root_cause_one": (" Likely root cause: {named} fails its own checks too ({causes}); fix "
                       "that first, and this check may pass."),
    "root_cause_many": (" Likely root cause: {named} fail their own checks too ({causes}); fix "
                        "that first, and this check may pass."),
    "and": " and ",
    # reports: the terminal table (grader.report.table)
    "table_title": "dlmath grade",
    "col_check": "check",
    "col_status": "status",
    "col_points": "points",
    "total": "total",
    "status_passed": "passed",
    "status_failed": "failed",
    "status_error": "error",
    "status_timeout": "timeout",
    "status_grader_error": "grader_error",
    "status_graded": "graded",
    "status_missing": "missing",
    "not_sandboxed": "WARNING: the submission was not fully sandboxed.",
    "sandbox_warning": "sandbox warning:",
    "warning_prefix": "WARNING: ",
    "flag": "flag:",
    "grader_error_warning": ("{count} could not be graded because of a grader error: "
                             "these are not the student's fault."),
    "checks": "{count} check",
    "checks_plural": "{count} checks",
    # dlmath check (grader.bundle.selfcheck)
    "pc_not_the_grade": ("These are the public checks: a sanity check on small, fixed cases. "
                         "They are not your grade. The hidden checks grade your work, and they "
                         "try many more shapes, dims, dtypes, extreme values and in-place "
                         "changes."),
    "pc_title": "dlmath check: public checks of {folder}",
    "pc_passed_of": "{passed} of {total} public checks passed",
    "pc_hidden_only": "hidden only",
    "pc_no_file": "there is no {file} in {folder}.",
    "pc_beyond_one": "; 1 more check has no public test at all",
    "pc_beyond": "; {count} more checks have no public test at all",
    "pc_all_passed": ("{unit}: the public checks found no problem ({passed} of {total}). "
                      "That is not a grade: the hidden checks try many more cases{beyond}."),
    "pc_some_failed": ("{unit}: {failed} of {total} public checks failed. Fix those first; "
                       "the hidden checks are stricter still{beyond}."),
    "pc_hidden_note": "Checks marked '{hidden_only}' are graded by the hidden checks alone.",
    # reports: the sandbox line (grader.report.table.confinement_summary)
    "sb_line": "Sandbox: {level}{details}",
    "sb_details": " ({parts})",
    "sb_sep": ", ",
    "sb_level_full": "full",
    "sb_level_limits-only": "limits-only",
    "sb_allow_list": "allow-list file system",
    "sb_namespace": "own {names} namespace",
    "sb_namespaces": "own {names} namespaces",
    "sb_limits": "limits",
    # the class report (grader.report.class_report) and class table (grader.report.class_table)
    "cr_title": "# Class report",
    "cr_students": "{count} students; maximum score {top:g}.",
    "cr_stats": "Mean {mean:.2f}, median {median:g}, lowest {lowest:g}, highest {highest:g}.",
    "cr_languages": "Feedback languages: {langs}.",
    "cr_lang_count": "{lang} {count}",
    "cr_histogram": "![score histogram]({file})",
    "cr_rates_title": "## Pass rate per check, worst first",
    "cr_rates_image": "![pass rates]({file})",
    "cr_denominators": ("Each rate is out of all {count} students (n): a unit a student did not "
                        "submit fails its checks."),
    "cr_not_submitted": " Not submitted: {units}.",
    "cr_unit_by": "{unit} by {count}",
    "cr_sep": ", ",
    "cr_errors_left_out": " Students the grader could not grade on a check are left out of its n.",
    "cr_rates_header": "| check | passed / n | rate |",
    "cr_rates_header_errors": " grader errors |",
    "cr_warning": ("> **Warning: {count} could not be graded because of a grader error: these are "
                   "not the students' fault.** They count in no pass rate; fix the grader and "
                   "regrade the students listed below."),
    "cr_errors_title": "## Checks the grader could not grade",
    "cr_errors_students": "**{check}**: {count} ({students})",
    "cr_failures_title": "## Most common failure messages",
    "cr_failures_note": ("Messages that differ only in their numbers are counted together; each "
                         "group shows one real message."),
    "count_check": "{count} checks",
    "count_student": "{count} students",
    "count_submission": "{count} submissions",
    "ct_none": "No submissions found.",
    "ct_title": "class grades",
    "ct_student": "student",
    "ct_total": "total / {top:g}",
    "ct_files": ("Grades: {grades}\nClass report: {report}\nPer-student reports: {reports}/ and "
                 "feedback: {feedback}/"),
    "ct_errors_warning": ("WARNING: {count} could not be graded because of a grader error: these "
                          "are not the students' fault."),
    "ct_errors_rest": (" Their units are marked ! above; they count in no pass rate. Fix the "
                       "grader and regrade: {students}"),
    "ct_weak": "WARNING: {count} not fully sandboxed:",
    "ct_weak_sep": "; ",
    # the capstones' table (grader.report.table.render_capstones)
    "cap_title": "capstones (no points)",
    "cap_capstone": "capstone",
    "cap_metric": "metric",
    "cap_reached": "reached",
    "cap_target": "target",
    "cap_baseline": "baseline",
    "cap_seconds": "seconds",
    "cap_yes": "yes",
    "cap_no": "no",
    "cap_baseline_is": "{name}: baseline = {what}{extra}",
    "cap_writes": "{name} writes:",
    # reports: a student's Markdown feedback (grader.report.markdown)
    "md_title": "# Feedback for {student}",
    "md_score": "**Score: {score:g} / {max_score:g}**",
    "md_flag": "> **Flag:** {flag}",
    "md_header": "| unit | status | points |",
    "md_grader_error": "grader error, not your fault",
    "md_note": ("> **Note:** {count} could not be graded because of a grader error: these are "
                "not your fault. Tell your instructor: they can regrade them once the grader "
                "is fixed."),
    "md_sandbox_warning": "- Sandbox warning: {warning}",
    # Gradescope (grader.gradescope)
    "gs_not_graded": ("Not graded: the grader failed on this check, not your code; this is not "
                      "your fault. Tell your instructor. What went wrong: "),
    "gs_passed": "passed",
    "gs_name": "{check}: {about}",
    "gs_received": "Received: {files}.",
    "gs_no_files": "no unit files",
    "gs_flag": "Flag: {flag}",
    "gs_warning": ("Warning: {count} could not be graded because of a grader error: these are "
                   "not your fault. Tell your instructor."),
    "gs_hidden": ("Each unit is graded by hidden checks against PyTorch; their scores and "
                  "feedback appear here once the grades are published. Run the public checks "
                  "(`dlmath check`) to test your code before submitting."),
    "gs_refused": ("This submission was not graded: {reason}. Nothing is wrong with your code; "
                   "your instructor will look into it."),
}


def tidy(text: str) -> str:
    """English needs no tidying (the other catalogues join punctuation here)."""
    return text
