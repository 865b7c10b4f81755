"""The shot is the one home of its lens and framing size: stored layouts lose their copies of them."""

from django.db import migrations


def strip_shot_fields(apps, schema_editor):
    ShotLayout = apps.get_model("shots", "ShotLayout")
    for layout in ShotLayout.objects.all().iterator():
        camera = dict(layout.data.get("camera") or {})
        camera.pop("focal_mm", None)
        framing = camera.get("framing")
        if isinstance(framing, dict):
            camera["framing"] = {k: v for k, v in framing.items() if k != "size"}
        if camera != layout.data.get("camera"):
            layout.data = {**layout.data, "camera": camera}
            layout.save(update_fields=["data"])


def restore_shot_fields(apps, schema_editor):
    ShotLayout = apps.get_model("shots", "ShotLayout")
    for layout in ShotLayout.objects.select_related("shot").iterator():
        camera = dict(layout.data.get("camera") or {})
        camera["focal_mm"] = layout.shot.lens_mm
        camera["framing"] = {"size": layout.shot.size, "subject": (camera.get("framing") or {}).get("subject")}
        layout.data = {**layout.data, "camera": camera}
        layout.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [("shots", "0003_layout_assets")]

    operations = [migrations.RunPython(strip_shot_fields, restore_shot_fields)]
