"""`newsbot hedges`: the detector's cues in a sentence, marked up or as JSON."""

import json

from click.testing import CliRunner

from bot.cli.hedges import hedges_command


def test_cli_text_marks_cues():
    result = CliRunner().invoke(hedges_command, ["The", "rebels", "may", "have", "fled."])
    assert result.exit_code == 0
    assert "The rebels [may] have fled." in result.output
    assert "speculation: “may” at 11–14" in result.output
    assert "scope 0–24: [The rebels may have fled]." in result.output
    assert "uncertain (probability" in result.output


def test_cli_shows_each_cues_scope_in_brackets():
    sentence = "Ten people died in the blast; the toll will probably rise, the mayor warned."
    result = CliRunner().invoke(hedges_command, [sentence])
    assert result.exit_code == 0
    assert (
        "Ten people died in the blast; [the toll will probably rise, the mayor warned]."
        in result.output
    )


def test_cli_json_one_object_a_line_from_stdin():
    stdin = "The rebels may have fled.\n\nThe bridge opened in 1932.\n"
    result = CliRunner().invoke(hedges_command, ["-", "--json"], input=stdin)
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["uncertain"] for line in lines] == [True, False]
    assert lines[0]["cues"] == [
        {
            "text": "may",
            "start": 11,
            "end": 14,
            "kind": "speculation",
            "scope_start": 0,
            "scope_end": 24,
        }
    ]
    assert set(lines[0]) == {"text", "uncertain", "probability", "cues"}


def test_cli_splits_a_text_into_sentences():
    result = CliRunner().invoke(hedges_command, ["--json", "It may rain. The sun set at six."])
    assert len(result.output.splitlines()) == 2
