"""Scripts written before the live editor hold their text in ``fountain`` only: give each a Yjs document
with that text, so the editor opens with it."""

from django.db import migrations


def build_documents(apps, schema_editor):
    from pycrdt import Doc, Text

    Script = apps.get_model("screenplay", "Script")
    ScriptUpdate = apps.get_model("screenplay", "ScriptUpdate")
    for script in Script.objects.exclude(fountain=""):
        if bytes(script.ystate) or ScriptUpdate.objects.filter(script=script).exists():
            continue
        doc = Doc()
        doc.get("fountain", type=Text).insert(0, script.fountain)
        script.ystate = doc.get_update()
        script.save(update_fields=["ystate"])


class Migration(migrations.Migration):
    dependencies = [("screenplay", "0003_yjs_log")]
    operations = [migrations.RunPython(build_documents, migrations.RunPython.noop)]
