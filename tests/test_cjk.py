"""Scripts written without spaces: each letter is a token, so copied Chinese passages are found."""

from hypothesis import given
from hypothesis import strategies as st

from dedup import Document
from dedup.normalize import tokenize, tokenize_reference
from dedup.scan import compare, scan

# Written for these tests. The passage (61 characters) is copied between two articles
# with different surroundings; the other two articles share no passage with anything.
PASSAGE = (
    "市议会周二晚间以七票对两票通过决议，将在港口入口修建一座潮汐屏障，"
    "工程预计明年五月动工，总造价约为四亿两千万元。"
)
ARTICLE_A = (
    "本报讯　过去十年间，这座海滨城市已经三次遭遇严重的风暴潮，老城区的街道多次被海水淹没，"
    "许多商户损失惨重。" + PASSAGE + "气象专家表示，随着海平面上升，类似的极端天气今后可能更加频繁。"
)
ARTICLE_B = (
    "渔民们对这项计划看法不一。有人担心施工会影响渔船进出港口，也有人认为安全更重要。"
    + PASSAGE
    + "渔业协会负责人说，他们将要求政府在施工期间提供临时码头，并对受影响的家庭给予补偿。"
)
UNRELATED_C = (
    "第十五届全市中学生运动会昨天在体育中心开幕，来自四十多所学校的两千余名运动员参加比赛。"
    "开幕式上，学生们表演了舞蹈和武术，赢得观众阵阵掌声。比赛将持续五天，设田径、游泳、篮球等项目。"
)
UNRELATED_D = (
    "一家本地科技公司今天发布了新款智能手机，这款手机采用更大的电池和改进的摄像头，售价比上一代略低。"
    "公司负责人表示，新产品将首先在国内市场销售，明年初计划进入东南亚市场。分析人士认为竞争将更加激烈。"
)


def test_chinese_letters_are_tokens_and_offsets_slice_them() -> None:
    tokens = tokenize("港口，屏障 ok")
    assert tokens.forms == ["港", "口", "屏", "障", "ok"]
    assert [("港口，屏障 ok")[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)] == [
        "港",
        "口",
        "屏",
        "障",
        "ok",
    ]


def test_japanese_and_thai_letters_are_tokens_korean_words_stay_words() -> None:
    assert tokenize("東京でカメラ").forms == ["東", "京", "で", "カ", "メ", "ラ"]
    assert tokenize("ｶﾒﾗ").forms == ["カ", "メ", "ラ"]  # halfwidth katakana NFKC-normalised
    assert tokenize("ภาษาไทย").forms == list("ภาษาไทย")
    assert tokenize("서울 시의회는 투표했다").forms == ["서울", "시의회는", "투표했다"]
    assert tokenize("iPhone手机2024年").forms == ["iphone", "手", "机", "2024", "年"]


def test_a_chinese_passage_copied_between_two_articles_is_found_exactly() -> None:
    docs = [
        Document("a", ARTICLE_A),
        Document("b", ARTICLE_B),
        Document("c", UNRELATED_C),
        Document("d", UNRELATED_D),
    ]
    result = scan(docs)
    assert len(result.matches) == 1
    match = result.matches[0]
    assert (match.a.doc_id, match.b.doc_id) == ("a", "b")
    assert ARTICLE_A[match.a.start : match.a.end] == PASSAGE
    assert ARTICLE_B[match.b.start : match.b.end] == PASSAGE
    assert match.similarity == 1.0
    assert result.duplicates == ()
    assert {s.doc_id for c in result.passages for s in c.spans} == {"a", "b"}


def test_an_edited_chinese_copy_is_still_one_passage() -> None:
    edited = PASSAGE.replace("七票对两票", "7票对2票").replace("明年五月", "明年5月")
    copy = "据报道，" + edited + "此事引发热议。"
    matches = compare(ARTICLE_A, copy)
    assert len(matches) == 1
    assert 0.75 <= matches[0].similarity < 1.0
    assert ARTICLE_A[matches[0].a.start : matches[0].a.end] == PASSAGE
    assert copy[matches[0].b.start : matches[0].b.end] == edited


cjk_text = st.text(
    alphabet=st.sampled_from(
        list("中文港口屏障東京でカメラｶﾒﾗﾞ々〇ー・。，ภาษาไทย้ສະບາຍ한국어abcÉé\u0301 1２\u3000\n")
    )
    | st.characters(min_codepoint=0x2E80, max_codepoint=0x31FF)
    | st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF)
    | st.characters(min_codepoint=0x0E00, max_codepoint=0x0EFF),
)


@given(cjk_text)
def test_fast_tokenizer_equals_the_reference_on_scripts_without_spaces(text: str) -> None:
    fast, slow = tokenize(text), tokenize_reference(text)
    assert fast.forms == slow.forms
    assert fast.starts.tolist() == slow.starts.tolist()
    assert fast.ends.tolist() == slow.ends.tolist()
