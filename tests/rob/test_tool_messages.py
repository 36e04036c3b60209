"""The tool files' texts reach the translation catalogue through rob/tools/messages.py."""

from rob import tool_messages
from rob.catalogue import get_tool


def test_messages_module_is_up_to_date_with_the_tool_files():
    current = tool_messages.MODULE.read_text(encoding="utf-8")
    assert current == tool_messages.module_text(), (
        "rob/tools/messages.py is out of date with rob/tools/*.json: run manage.py robmessages"
    )


def test_every_shown_text_of_a_tool_is_listed():
    texts = {text for text, _ in tool_messages.texts()}
    tool = get_tool("rob2-parallel-assignment")
    assert tool.domains[0].name in texts
    assert tool.domains[0].questions[0].text in texts
    assert set(tool.answer_labels.values()) <= texts
    assert set(tool.judgement_labels.values()) <= texts
