"""Drive congbo's Open311 endpoint with an existing client library, PyPI `georeport` (read side:
service list, service definition, requests), in JSON and in XML. Exit 0 when every check holds.

Usage: python3 open311_georeport.py BASE_URL SERVICE_REQUEST_ID
"""

import sys

from georeport import GeoReport


def main() -> int:
    base, request_id = sys.argv[1], sys.argv[2]
    for fmt in ("json", "xml"):
        client = GeoReport(f"{base}/open311/v2", jurisdiction="DB-TL", output_format=fmt)
        services = client.get_service_list()
        codes = {s["service_code"] for s in services}
        assert {"pakn-thu-tuc", "pakn-can-bo", "1.004884"} <= codes, (fmt, codes)
        definition = client.get_service_definition("pakn-can-bo")
        attributes = definition["attributes"]
        if fmt == "xml":
            attributes = attributes["attribute"]
        assert any(a["code"] == "clause" for a in attributes), (fmt, attributes)
        requests = client.get_service_requests()
        if isinstance(requests, dict):  # xmltodict gives one request as a dict
            requests = [requests]
        ids = [r["service_request_id"] for r in requests]
        assert request_id in ids, (fmt, ids)
        one = client.get_service_requests(service_request_id=request_id)
        if isinstance(one, dict):
            one = [one]
        assert one[0]["status"] == "open", (fmt, one)
        assert one[0]["expected_datetime"].endswith("+07:00"), (fmt, one)
        if fmt == "json":
            # (georeport cannot read an empty XML list: xmltodict gives it None.)
            closed = client.get_service_requests(status="closed")
            assert not closed, (fmt, closed)
        print(f"georeport {fmt}: {len(services)} services, {len(requests)} requests: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
