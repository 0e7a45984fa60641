"""nbgrader settings for grading the lrsched course: copy this file into your course folder.

They bound the time one submission can take, so a submission that loops, ignores
interrupts or stalls its kernel costs at most a few minutes and never holds up the rest
of the batch. After ``nbgrader autograde``, run ``tools/integrity_report.py`` (see the
README, "Grading with nbgrader").
"""

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

# A cell gets this many seconds; then the kernel is interrupted and the cell fails.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
# After an interrupt, a kernel that sends nothing for this long (it ignored the
# interrupt, or its exception handler was replaced) fails the whole notebook instead of
# making every later cell wait for its own time-out.
c.Execute.iopub_timeout = 15
c.Execute.raise_on_iopub_timeout = True
# A kernel that does not start, or does not stop, is not waited for.
c.Execute.startup_timeout = 60
c.Execute.shutdown_kernel = "immediate"
c.Execute.execute_retries = 0
# A submission that prints without end stores at most this much.
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100
