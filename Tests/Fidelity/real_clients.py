#!/usr/bin/env python3
"""Drives the CRM simulator with clients nobody at LeadRelay wrote: HubSpot's own Python SDK
(hubspot-api-client) and simple-salesforce, both from PyPI. Each check is what a real client relies on;
a failure prints what the client saw. Exit 0 when every check holds.

Usage: real_clients.py BASE_URL HUBSPOT_TOKEN SF_CLIENT_ID SF_CLIENT_SECRET SF_USERNAME PRIVATE_KEY_FILE
"""
import json
import sys
import traceback
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

import hubspot
from hubspot.crm.contacts import (ApiException as ContactsError, BatchInputSimplePublicObjectBatchInput,
                                  BatchReadInputSimplePublicObjectId, Filter, FilterGroup, PublicObjectSearchRequest,
                                  SimplePublicObjectBatchInput, SimplePublicObjectId, SimplePublicObjectInput,
                                  SimplePublicObjectInputForCreate)
from hubspot.crm.properties import ApiException as PropertiesError, PropertyCreate
from simple_salesforce import Salesforce, SalesforceMalformedRequest, format_soql

failures = []


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else f" — {detail}"))
    if not condition:
        failures.append(name)


class Loopback(HTTPAdapter):
    """simple-salesforce always speaks https to *.salesforce.com and the instance: send it to the simulator instead."""

    def __init__(self, base):
        super().__init__()
        self.base = urlsplit(base)

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        request.url = urlunsplit((self.base.scheme, self.base.netloc, parts.path, parts.query, ""))
        return super().send(request, **kwargs)


def hubspot_checks(base, token):
    client = hubspot.HubSpot(access_token=token, host=base)
    contacts = client.crm.contacts

    requested = ["email", "firstname", "numemployees", "industry", "hs_lead_status"]
    page = contacts.basic_api.get_page(limit=5, properties=requested)
    check("hubspot: a page of contacts through the SDK", len(page.results) > 0, f"{page}")
    missing = [p for r in page.results for p in requested if p not in r.properties]
    check("hubspot: every requested property is in each result, null when empty", not missing, f"missing {missing[:5]}")
    check("hubspot: paging gives an after cursor the SDK reads", page.paging is None or page.paging.next.after is not None)

    created = contacts.basic_api.create(SimplePublicObjectInputForCreate(properties={
        "email": "sdk.check@fidelity.io", "firstname": "Sdk", "lastname": "Check", "numemployees": "25-50"}))
    check("hubspot: create returns an id and the properties", bool(created.id) and created.properties.get("email") == "sdk.check@fidelity.io")

    try:
        contacts.batch_api.update(BatchInputSimplePublicObjectBatchInput(inputs=[
            SimplePublicObjectBatchInput(id=created.id, properties={"numemployees": "40", "jobtitle": "CTO"})]))
        check("hubspot: a number sent to the numemployees ranges is refused", False, "the batch was accepted")
    except ContactsError as error:
        body = json.loads(error.body)
        check("hubspot: a value outside an enumeration's options fails the batch with VALIDATION_ERROR naming INVALID_OPTION",
              error.status == 400 and body.get("category") == "VALIDATION_ERROR" and "INVALID_OPTION" in body.get("message", ""),
              f"{error.status} {error.body}")
    after = contacts.basic_api.get_by_id(created.id, properties=["jobtitle"])
    check("hubspot: nothing of the refused batch was applied", after.properties.get("jobtitle") is None, f"{after.properties}")

    search = contacts.search_api.do_search(PublicObjectSearchRequest(
        filter_groups=[FilterGroup(filters=[Filter(property_name="email", operator="EQ", value="sdk.check@fidelity.io")])],
        properties=["email", "numemployees"], limit=10))
    check("hubspot: search by email finds the new contact", [r.id for r in search.results] == [created.id], f"{search}")

    staged = contacts.basic_api.update(created.id, SimplePublicObjectInput(properties={"lifecyclestage": "salesqualifiedlead"}))
    check("hubspot: lifecyclestage moves forward", staged.properties.get("lifecyclestage") == "salesqualifiedlead", f"{staged.properties}")
    contacts.basic_api.update(created.id, SimplePublicObjectInput(properties={"lifecyclestage": "lead"}))
    kept = contacts.basic_api.get_by_id(created.id, properties=["lifecyclestage"]).properties.get("lifecyclestage")
    check("hubspot: a move back through the API is answered and not made", kept == "salesqualifiedlead", f"{kept}")
    contacts.basic_api.update(created.id, SimplePublicObjectInput(properties={"lifecyclestage": ""}))
    contacts.basic_api.update(created.id, SimplePublicObjectInput(properties={"lifecyclestage": "lead"}))
    back = contacts.basic_api.get_by_id(created.id, properties=["lifecyclestage"]).properties.get("lifecyclestage")
    check("hubspot: cleared first, the stage moves back", back == "lead", f"{back}")

    by_email = contacts.batch_api.read(BatchReadInputSimplePublicObjectId(
        id_property="email", properties=["email"], properties_with_history=[],
        inputs=[SimplePublicObjectId(id="SDK.Check@fidelity.io")]))
    check("hubspot: batch read by idProperty=email finds the contact, case aside",
          [r.id for r in by_email.results] == [created.id], f"{by_email}")

    contacts.basic_api.archive(created.id)
    archived = contacts.basic_api.get_page(limit=100, archived=True, properties=["email"])
    check("hubspot: archived=true lists archived contacts only, with archived set",
          any(r.id == created.id for r in archived.results) and all(r.archived for r in archived.results),
          f"{[(r.id, r.archived) for r in archived.results]}")
    live = contacts.basic_api.get_page(limit=100, properties=["email"])
    check("hubspot: archived contacts leave the live list", all(r.id != created.id for r in live.results))

    props = {p.name: p for p in client.crm.properties.core_api.get_all("contacts").results}
    employees = props.get("numemployees")
    check("hubspot: contact numemployees is an enumeration of ranges on a fresh portal",
          employees is not None and employees.type == "enumeration" and [o.value for o in employees.options][:2] == ["1-5", "5-25"],
          f"{employees}")
    check("hubspot: contact industry and annualrevenue are free text",
          props.get("industry") is not None and props["industry"].type == "string" and props["annualrevenue"].type == "string")
    check("hubspot: no LeadRelay custom property on a fresh portal", "leadrelay_duplicate_of" not in props)
    company_props = {p.name: p for p in client.crm.properties.core_api.get_all("companies").results}
    check("hubspot: company numberofemployees is a number and industry an enumeration",
          company_props["numberofemployees"].type == "number" and company_props["industry"].type == "enumeration")

    made = client.crm.properties.core_api.create("contacts", PropertyCreate(
        name="leadrelay_duplicate_of", label="Duplicate of", type="string", field_type="text", group_name="contactinformation"))
    check("hubspot: a property created through the SDK", made.name == "leadrelay_duplicate_of")
    try:
        client.crm.properties.core_api.create("contacts", PropertyCreate(
            name="leadrelay_duplicate_of", label="Duplicate of", type="string", field_type="text", group_name="contactinformation"))
        check("hubspot: creating a taken property name is refused", False, "accepted twice")
    except PropertiesError as error:
        check("hubspot: creating a taken property name is refused with 409", error.status == 409, f"{error.status}")

    engagement_checks(client, contacts)

    owners = client.crm.owners.owners_api.get_page(limit=100).results
    check("hubspot: owners list", len(owners) > 0)
    by_user = client.crm.owners.owners_api.get_by_id(owner_id=owners[0].user_id, id_property="userId")
    check("hubspot: an owner by idProperty=userId", by_user.id == owners[0].id, f"{by_user.id} vs {owners[0].id}")


def engagement_checks(client, contacts):
    """Calls as sales touches: created with an inline association, found by search on hs_lastmodifieddate, tied back
    to the contact through the v4 batch association read — the three calls LeadRelay's touch reader makes."""
    from hubspot.crm.objects.calls import (ApiException as CallsError, AssociationSpec, Filter as CallFilter,
                                           FilterGroup as CallFilterGroup, PublicAssociationsForObject, PublicObjectId,
                                           PublicObjectSearchRequest as CallSearch,
                                           SimplePublicObjectInputForCreate as CallCreate)
    from hubspot.crm.associations.v4 import BatchInputPublicFetchAssociationsBatchRequest, PublicFetchAssociationsBatchRequest

    person = contacts.basic_api.create(SimplePublicObjectInputForCreate(properties={"email": "touch.check@fidelity.io"}))
    call = client.crm.objects.calls.basic_api.create(CallCreate(
        properties={"hs_timestamp": "2026-12-07T15:00:00.000Z", "hs_call_direction": "OUTBOUND", "hs_call_status": "COMPLETED",
                    "hs_call_disposition": "73a0d17f-1163-4015-bdd5-ec830791da20"},
        associations=[PublicAssociationsForObject(to=PublicObjectId(id=person.id), types=[
            AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=194)])]))
    check("hubspot: a call created with an inline association to its contact", bool(call.id), f"{call}")
    try:
        client.crm.objects.calls.basic_api.create(CallCreate(properties={"hs_call_direction": "OUTBOUND"}))
        check("hubspot: a call without hs_timestamp is refused", False, "accepted")
    except CallsError as error:
        check("hubspot: a call without hs_timestamp is refused with 400", error.status == 400, f"{error.status} {error.body}")
    found = client.crm.objects.calls.search_api.do_search(CallSearch(
        filter_groups=[CallFilterGroup(filters=[CallFilter(property_name="hs_lastmodifieddate", operator="GTE", value="0")])],
        sorts=[{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
        properties=["hs_timestamp", "hs_call_direction", "hs_call_status", "hubspot_owner_id"], limit=100))
    mine = [r for r in found.results if r.id == call.id]
    check("hubspot: search on calls by hs_lastmodifieddate finds it, with its direction and status",
          len(mine) == 1 and mine[0].properties.get("hs_call_direction") == "OUTBOUND"
          and mine[0].properties.get("hs_call_status") == "COMPLETED", f"{found}")
    links = client.crm.associations.v4.batch_api.get_page(
        from_object_type="calls", to_object_type="contacts",
        batch_input_public_fetch_associations_batch_request=BatchInputPublicFetchAssociationsBatchRequest(
            inputs=[PublicFetchAssociationsBatchRequest(id=call.id)]))
    targets = [(str(t.to_object_id), [a.type_id for a in t.association_types]) for r in links.results for t in r.to]
    check("hubspot: the v4 batch read ties the call to its contact with type 194", targets == [(str(person.id), [194])], f"{links}")


def salesforce_checks(base, client_id, client_secret, username, key_file):
    session = requests.Session()
    session.mount("https://", Loopback(base))
    with open(key_file, encoding="utf-8") as handle:
        key = handle.read()

    sf = Salesforce(username=username, consumer_key=client_id, privatekey=key, domain="login", session=session, version="62.0")
    check("salesforce: JWT bearer login with simple-salesforce's own RS256 assertion", bool(sf.session_id))

    # simple-salesforce runs the client-credentials flow against a My Domain only, and authenticates with HTTP Basic.
    cc = Salesforce(consumer_key=client_id, consumer_secret=client_secret, domain="acme.my", session=session, version="62.0")
    check("salesforce: client-credentials login (HTTP Basic client authentication)", bool(cc.session_id))

    result = sf.query("SELECT Id, Email FROM Lead WHERE LastModifiedDate > 2000-01-01T00:00:00+00:00 ORDER BY Id LIMIT 5")
    check("salesforce: a datetime literal with a +00:00 offset", result["totalSize"] > 0, f"{result}")

    every = sf.query_all("SELECT Id FROM Lead")
    check("salesforce: query_all follows nextRecordsUrl to the end", every["done"] and len(every["records"]) == every["totalSize"],
          f"{len(every['records'])} of {every['totalSize']}")

    made = sf.Lead.create({"LastName": "Percent", "Company": "100% Big_Co", "Email": "pct@fidelity.io"})
    check("salesforce: create answers id and success", made.get("success") is True and made["id"].startswith("00Q"), f"{made}")
    sf.Lead.create({"LastName": "Lookalike", "Company": "100X BigXCo"})
    like = sf.query(format_soql("SELECT LastName FROM Lead WHERE Company LIKE '{:like}'", "100% Big_Co"))
    check("salesforce: format_soql's escaped % and _ match literally", [r["LastName"] for r in like["records"]] == ["Percent"], f"{like}")

    status = sf.Lead.update(made["id"], {"Title": "CTO"})
    check("salesforce: update answers 204", status == 204, f"{status}")
    check("salesforce: get reads the update", sf.Lead.get(made["id"])["Title"] == "CTO")

    describe = {f["name"]: f for f in sf.Lead.describe()["fields"]}
    check("salesforce: Lead describe types NumberOfEmployees as int", describe["NumberOfEmployees"]["type"] == "int")
    check("salesforce: no LeadRelay custom field on a fresh org", "LeadRelay_Duplicate_Of__c" not in describe)
    objects = {o["name"] for o in sf.describe()["sobjects"]}
    check("salesforce: the global describe lists Lead, Account and Contact", {"Lead", "Account", "Contact"} <= objects)
    limits = sf.limits()
    check("salesforce: limits report DailyApiRequests", "Max" in limits.get("DailyApiRequests", {}), f"{limits}")

    campaign = sf.Campaign.create({"Name": "Fidelity webinar", "Type": "Webinar"})
    member = sf.CampaignMember.create({"CampaignId": campaign["id"], "LeadId": made["id"], "Status": "Responded"})
    check("salesforce: a campaign member is created", member.get("success") is True and member["id"].startswith("00v"), f"{member}")
    responded = sf.query(format_soql("SELECT Id, HasResponded, FirstRespondedDate FROM CampaignMember WHERE LeadId = {}", made["id"]))
    row = responded["records"][0] if responded["records"] else {}
    check("salesforce: a Responded member has HasResponded and its FirstRespondedDate",
          row.get("HasResponded") is True and bool(row.get("FirstRespondedDate")), f"{responded}")

    converted = sf.query("SELECT Id FROM Lead WHERE IsConverted = true LIMIT 1")["records"]
    if converted:
        try:
            sf.Lead.update(converted[0]["Id"], {"Title": "CEO"})
            check("salesforce: a converted lead refuses updates", False, "accepted")
        except SalesforceMalformedRequest as error:
            check("salesforce: a converted lead refuses updates with CANNOT_UPDATE_CONVERTED_LEAD",
                  "CANNOT_UPDATE_CONVERTED_LEAD" in json.dumps(error.content), f"{error.content}")
    else:
        check("salesforce: the seed has converted leads", False, "none found")


def main():
    if len(sys.argv) != 7:
        print(__doc__)
        return 2
    base, token, client_id, client_secret, username, key_file = sys.argv[1:]
    for name, run in [("hubspot", lambda: hubspot_checks(base, token)),
                      ("salesforce", lambda: salesforce_checks(base, client_id, client_secret, username, key_file))]:
        try:
            run()
        except Exception:  # a client error nobody expected is a failed check, with its trace
            check(f"{name}: no unexpected error", False, traceback.format_exc())
    print(f"{len(failures)} failed" if failures else "all checks hold")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
