"""The summary counts of DESIGN.md §4 and the report built on them: periods, drill-down, snapshots, exports."""
