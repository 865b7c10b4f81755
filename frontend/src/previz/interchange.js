// Interchange: the layout out as glTF (GLB, with the shot camera and its move as an animation), and sets built
// elsewhere in (a .glb, or a .gltf with embedded data, uploaded to the project and placed on the stage).
// The glTF exporter and loader are lazy chunks, fetched the first time they are needed (editor.js, stage.js).

import { api, ApiError } from "../lib/api.js";
import { toast } from "../lib/toast.js";
import { add, select } from "./document.js";
import { $, data, editable, state } from "./page.js";
import { setButtons } from "./panel.js";

function fileName(ext) {
  const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return `${slug(data.project.title || "layout")}-shot-${slug(data.shot.number)}-v${state.version}.${ext}`;
}

export async function exportLayout(button) {
  if (!state.viewport || !state.doc) return;
  button.disabled = true;
  try {
    const glb = await state.viewport.exportGltf(state.doc, { binary: true, duration: state.duration });
    const url = URL.createObjectURL(new Blob([glb], { type: "model/gltf-binary" }));
    const link = Object.assign(document.createElement("a"), { href: url, download: fileName("glb") });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    toast(`Exported ${state.doc.objects.length} objects and the shot camera as glTF.`, "success");
  } catch (err) {
    toast(`Could not export: ${err.message}`, "error");
  } finally {
    button.disabled = false;
  }
}

/** The project's imported sets, each a button that places it. */
export function drawSets() {
  const host = $("[data-sets]");
  if (host) host.innerHTML = setButtons(state.assets);
}

/** Upload a glTF/GLB set to the project, then place it on the stage. No progress bar: the button is busy. */
export async function importSet(file) {
  const limit = data.limits.asset_bytes;
  if (file.size > limit) {
    toast(`${file.name} is ${(file.size / 2 ** 20).toFixed(1)} MiB; a set may be at most ${(limit / 2 ** 20).toFixed(0)} MiB.`, "error");
    return;
  }
  const button = $("[data-import]");
  button.disabled = true;
  button.classList.add("busy");
  try {
    const form = new FormData();
    form.append("file", file, file.name);
    form.append("name", file.name.replace(/\.(glb|gltf)$/i, "").slice(0, 200) || "Set");
    const asset = await api("POST", data.api.assets, { body: form }).catch((err) => {
      throw err instanceof ApiError ? new Error(`${file.name} was not imported: ${err.fields.file || err.message}`) : err;
    });
    state.assets = [asset, ...state.assets.filter((a) => a.id !== asset.id)];
    drawSets();
    addSet(asset);
    toast(`Imported the set “${asset.name}”.`, "success");
  } catch (err) {
    toast(err.message, "error");
  } finally {
    button.disabled = false;
    button.classList.remove("busy");
  }
}

/** Place an imported set at the centre of the stage, selected. */
export function addSet(asset) {
  if (!asset || !editable) return;
  add("environment", null, [0, 0, 0], asset);
}

/** The Import button opens the file picker; a picked file is imported. */
export function armImport() {
  $("[data-import-file]").addEventListener("change", (e) => {
    const [file] = e.target.files;
    e.target.value = "";
    if (file) importSet(file);
  });
}
