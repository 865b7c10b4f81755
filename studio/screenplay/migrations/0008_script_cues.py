"""Each script keeps the character cues of its settled text (``Script.cues``), written when it settles; the
scripts written before get theirs from their text here, parsed once."""

from django.db import migrations, models


def store_cues(apps, schema_editor):
    from studio.screenplay.fountain import parse

    Script = apps.get_model("screenplay", "Script")
    for script in Script.objects.exclude(fountain="").only("id", "fountain").iterator():
        screenplay = parse(script.fountain)
        written = {}  # as sync.cues_of: each cue as first written, in the order the parser lists them
        for element in screenplay.elements:
            if element.kind == "character" and element.name:
                written.setdefault(element.name.casefold(), element.name)
        cues = [written.get(info.name.casefold(), info.name) for info in screenplay.characters()]
        Script.objects.filter(pk=script.pk).update(cues=cues)


class Migration(migrations.Migration):

    dependencies = [
        ('screenplay', '0007_revisions'),
    ]

    operations = [
        migrations.AddField(
            model_name='script',
            name='cues',
            field=models.JSONField(blank=True, default=list, editable=False, help_text='The character cues of the settled text, each as first written, in order: settling another script of the project reads them instead of parsing this one.'),
        ),
        migrations.RunPython(store_cues, migrations.RunPython.noop),
    ]
