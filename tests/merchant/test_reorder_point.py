"""A merchant sets the reorder point that drives the daily stock alert."""
from tests.merchant.test_api import NEW_PRODUCT, bearer


def test_the_reorder_point_is_kept_through_the_api_and_a_bad_one_changes_nothing(world, alpha_token):
    client = world.test_client()
    created = client.put("/api/v1/merchant/products/A-ROLL-9", headers=bearer(alpha_token),
                         json={**NEW_PRODUCT, "reorder_point": 12})
    assert created.status_code in (200, 201), created.get_json()
    assert created.get_json()["reorder_point"] == 12
    refused = client.put("/api/v1/merchant/products/A-ROLL-9", headers=bearer(alpha_token),
                         json={"reorder_point": -3})
    assert refused.status_code == 422 or refused.status_code == 400
    assert "reorder_point" in refused.get_json()["error"]["fields"]
    kept = client.put("/api/v1/merchant/products/A-ROLL-9", headers=bearer(alpha_token), json={"weight_g": 500})
    assert kept.get_json()["reorder_point"] == 12  # an update that does not name it keeps it
