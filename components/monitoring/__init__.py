"""What watches the tables: metrics, the alarm catalogue, alarms, notifications and dashboards."""
