from __future__ import annotations

import pytest

EXPECTED = {
    "000_9f256ef334f2e80e.txt": ("长沙市工业企业改制服务办公室", "长沙市", 2023, {"整体自评报告"}),
    "001_e4b7451ca6ac423e.txt": (
        "衡阳市工业企业改制服务办公室",
        "衡阳市",
        2021,
        {"整体自评报告", "基础数据表", "整体自评表", "项目自评表"},
    ),
    # named only in the attachments' 填报单位 header
    "002_ab28928a96ffb29a.txt": (
        "衡阳市人民政府国有资产监督管理委员会",
        "衡阳市",
        2022,
        {"整体自评报告", "基础数据表", "整体自评表", "项目自评表"},
    ),
    "003_d00643376496db49.txt": (
        "武汉市江汉区工业企业服务中心",
        "武汉市江汉区",
        2023,
        {"部门决算", "整体自评表", "项目自评表"},
    ),
    "004_8408bbae33fc7234.txt": ("长沙市工业和信息化局", "长沙市", 2022, {"整体自评报告"}),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_department_region_year_kind(corpus, name):
    row = corpus.documents.filter(corpus.documents["source_file"] == name).row(0, named=True)
    dept, region, year, kinds = EXPECTED[name]
    assert (row["department"], row["region"], row["year"]) == (dept, region, year)
    assert kinds <= set(row["kind"].split("+"))
    assert row["status"] == "ok"


def test_doc_id_is_stable_and_content_based(corpus, sample_paths):
    from loaders.pipeline import doc_id_of

    ids = dict(zip(corpus.documents["source_file"], corpus.documents["doc_id"], strict=True))
    for path in sample_paths:
        assert ids[path.name] == doc_id_of(path.read_bytes())
