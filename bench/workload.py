"""The benchmark's estate: N tables shaped like a busy production table."""

from typing import Any

import yaml

REGION = "ap-southeast-1"
GSIS = ("ByCustomer", "ByStatus")
ALARM_EMAIL = "ops@example.com"
SCALING = {"min": 5, "max": 100, "targetUtilization": 70}


def table_config() -> dict[str, Any]:
    return {
        "attributes": {"pk": "S", "sk": "S", "customer": "S", "status": "S", "expiresAt": "N"},
        "hashKey": "pk",
        "rangeKey": "sk",
        "billingMode": "PROVISIONED",
        "capacity": {"read": SCALING, "write": SCALING},
        "stream": "NEW_AND_OLD_IMAGES",
        "ttlAttribute": "expiresAt",
        "encryption": "CUSTOMER_MANAGED",
        "globalSecondaryIndexes": {
            "ByCustomer": {"hashKey": "customer", "rangeKey": "sk"},
            "ByStatus": {"hashKey": "status", "projection": "KEYS_ONLY"},
        },
    }


def stack_file(tables: int) -> str:
    config = {
        "aws:region": REGION,
        "koneksi-dynamodb:alarms": {"level": "enhanced", "email": ALARM_EMAIL},
        "koneksi-dynamodb:tables": {f"table{i:04d}": table_config() for i in range(tables)},
    }
    return yaml.safe_dump({"config": config}, sort_keys=False)
