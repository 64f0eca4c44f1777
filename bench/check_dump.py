#!/usr/bin/env python3
"""Checks a bench/datagen dump against the rules of schemas/events.yaml, without the server.

    check_dump.py dump.jsonl samples_dir

Fails (exit 1, one line per problem, first 20 shown) when a document breaks a field rule
(required, type, length, pattern, enum, range), a unique constraint (case-insensitive), an
FK (must name a document on an EARLIER line: the import inserts line by line), the id form
(26 lower-case Crockford chars, strictly increasing through the file = creation order), or
when a sample list names something absent from the dump. Standard library only.
"""
import json
import re
import sys

EMAIL = re.compile(r"^[a-zA-Z0-9]([._+%-]?[a-zA-Z0-9])*@[a-zA-Z0-9-]+([.][a-zA-Z0-9-]+)*[.][a-zA-Z]{2,}$")
URL = re.compile(r"^https?://[^\s]+$")
ULID = re.compile(r"^[0-9abcdefghjkmnpqrstvwxyz]{26}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")

# field: (type, required, extra rules)
TS = {"createdAt": ("datetime", False, {}), "updatedAt": ("datetime", False, {})}
SCHEMA = {
    "Account": {"name": ("str", True, {"min": 6, "max": 100}), "credit": ("num", False, {"ge": 0}),
                "expireDate": ("date", False, {}), "enabled": ("bool", False, {}), **TS},
    "User": {"username": ("str", True, {"min": 3, "max": 50}),
             "email": ("str", True, {"min": 8, "max": 50, "re": EMAIL}),
             "password": ("str", True, {"min": 8}),
             "firstName": ("str", True, {"min": 3, "max": 100}), "lastName": ("str", True, {"min": 3, "max": 100}),
             "gender": ("str", False, {"enum": {"male", "female", "other"}}), "dob": ("date", False, {}),
             "address": ("str", False, {}), "city": ("str", False, {}), "state": ("str", False, {}),
             "zip": ("str", False, {}), "isAccountOwner": ("bool", True, {}),
             "netWorth": ("num", False, {"ge": 0, "le": 10_000_000}), "accountId": ("fk:Account", True, {}), **TS},
    "Profile": {"name": ("str", True, {"max": 100}), "preferences": ("str", False, {}),
                "radiusMiles": ("int", False, {"ge": 0}), "userId": ("fk:User", True, {}), **TS},
    "TagAffinity": {"tag": ("str", True, {"max": 50}), "affinity": ("int", True, {"ge": -100, "le": 100}),
                    "profileId": ("fk:Profile", True, {}), **TS},
    "Event": {"url": ("str", True, {"re": URL}), "title": ("str", True, {"max": 200}),
              "dateTime": ("datetime", True, {}), "location": ("str", False, {"max": 200}),
              "cost": ("num", False, {"ge": 0}), "numOfExpectedAttendees": ("int", False, {"ge": 0}),
              "recurrence": ("str", False, {"enum": {"daily", "weekly", "monthly", "yearly"}}),
              "tags": ("strlist", False, {}), **TS},
    "UserEvent": {"attended": ("bool", False, {}), "rating": ("int", False, {"ge": 1, "le": 5}),
                  "note": ("str", False, {"max": 500}), "userId": ("fk:User", True, {}),
                  "eventId": ("fk:Event", True, {}), **TS},
}
UNIQUE = {"User": [("username",), ("email",)], "Profile": [("name", "userId")], "TagAffinity": [("profileId", "tag")]}


def type_ok(kind, v):
    if kind == "str" or kind.startswith("fk:"):
        return isinstance(v, str)
    if kind == "int":
        return isinstance(v, int) and not isinstance(v, bool)
    if kind == "num":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if kind == "bool":
        return isinstance(v, bool)
    if kind == "date":
        return isinstance(v, str) and bool(DATE.match(v))
    if kind == "datetime":
        return isinstance(v, str) and bool(DATETIME.match(v))
    if kind == "strlist":
        return isinstance(v, list) and all(isinstance(x, str) for x in v)
    raise AssertionError(kind)


def main(dump_path, samples_dir):
    problems = []
    ids = {e: set() for e in SCHEMA}
    uniques = {}
    counts = {}
    last_id = ""
    users_by_id, last_names = {}, set()

    def bad(n, msg):
        problems.append(f"line {n}: {msg}")

    with open(dump_path) as f:
        for n, line in enumerate(f, 1):
            rec = json.loads(line)
            entity, doc = rec["entity"], rec["doc"]
            fields = SCHEMA.get(entity)
            if fields is None:
                bad(n, f"unknown entity {entity}")
                continue
            counts[entity] = counts.get(entity, 0) + 1
            doc_id = doc.get("id")
            if not isinstance(doc_id, str) or not ULID.match(doc_id):
                bad(n, f"bad id {doc_id!r}")
            elif doc_id <= last_id:
                bad(n, f"id {doc_id} does not sort after the previous one")
            last_id = max(last_id, doc_id or "")
            for key in doc:
                if key != "id" and key not in fields:
                    bad(n, f"{entity}.{key} is not in the schema")
            for name, (kind, required, rules) in fields.items():
                v = doc.get(name)
                if v is None:
                    if required:
                        bad(n, f"{entity}.{name} required")
                    continue
                if not type_ok(kind, v):
                    bad(n, f"{entity}.{name} has the wrong type: {v!r}")
                    continue
                if isinstance(v, str):
                    if len(v) < rules.get("min", 0) or len(v) > rules.get("max", 10**9):
                        bad(n, f"{entity}.{name} length {len(v)} out of range")
                    if "re" in rules and not rules["re"].match(v):
                        bad(n, f"{entity}.{name} does not match its pattern: {v!r}")
                    if "enum" in rules and v not in rules["enum"]:
                        bad(n, f"{entity}.{name} not in enum: {v!r}")
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    if v < rules.get("ge", -float("inf")) or v > rules.get("le", float("inf")):
                        bad(n, f"{entity}.{name} out of range: {v}")
                if kind.startswith("fk:") and v not in ids[kind[3:]]:
                    bad(n, f"{entity}.{name} = {v} names no earlier {kind[3:]}")
            for constraint in UNIQUE.get(entity, []):
                key = (entity,) + tuple(str(doc.get(c)).lower() for c in constraint)
                if key in uniques:
                    bad(n, f"{entity} unique {constraint} repeats line {uniques[key]}")
                uniques[key] = n
            ids[entity].add(doc_id)
            if entity == "User":
                users_by_id[doc_id] = doc
                last_names.add(doc["lastName"])

    def sample(name):
        with open(f"{samples_dir}/{name}") as f:
            return [l.rstrip("\n") for l in f if l.strip()]

    for row in sample("users.tsv"):
        uid, username, email, account, first, last = row.split("\t")
        u = users_by_id.get(uid)
        if not u or (u["username"], u["email"], u["accountId"], u["firstName"], u["lastName"]) != (username, email, account, first, last):
            problems.append(f"users.tsv: {uid} does not match the dump")
    for name in sample("lastnames.txt"):
        if name not in last_names:
            problems.append(f"lastnames.txt: {name} matches no user")
    for a in sample("accounts.txt"):
        if a not in ids["Account"]:
            problems.append(f"accounts.txt: {a} is no Account")
    ue = sample("userevent_ids.txt")
    if len(set(ue)) != len(ue) or not set(ue) <= ids["UserEvent"]:
        problems.append("userevent_ids.txt: repeated ids or ids that are no UserEvent")
    meta = json.loads(sample("meta.json")[0])
    if meta["documents"] != sum(counts.values()) or meta["users"] != counts.get("User"):
        problems.append(f"meta.json {meta} disagrees with the dump {counts}")

    for p in problems[:20]:
        print(p)
    print(f"{sum(counts.values())} documents {counts}: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
