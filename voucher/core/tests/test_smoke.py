import pytest


@pytest.mark.django_db
def test_home_page_lists_the_nine_directions(client):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    for name in ["大模型应用", "数智转型系统", "工业设计"]:
        assert name in body
