// Fountain, line by line, for the editor: what each line of the script is, so the page can be laid out
// like a screenplay and the scene navigator can list the scenes. The server's parser is the authority
// (it reconciles scenes); this one only has to look right while you type.

const HEADING = /^(?:\.(?!\.)|(?:int|ext|est|int\.?\/ext|i\/e|e\/i)[. ])/i;
const TRANSITION = /^[A-Z0-9 .'’\-]+TO:$/;
const CUE = /^(?=.*[A-Z])[A-Z0-9 .'’\-#&]+(?:\s*\([^)]*\))*\s*\^?$/;
const SCENE_NUMBER = /\s#([\w.\-]+)#\s*$/;
const TITLE_KEY = /^[A-Za-z][A-Za-z ]*:/;

/**
 * classify(lines) → one kind per line: "title", "heading", "action", "character", "parenthetical",
 * "dialogue", "transition", "centered", "lyric", "section", "synopsis", "pagebreak", "note", "boneyard",
 * "blank".
 */
export function classify(lines) {
  const kinds = new Array(lines.length).fill("action");
  let i = 0;
  // title page: the first paragraph, when every line is "Key: value" (or an indented continuation)
  // and some key has a value ("FADE IN:" alone is not a title page)
  let end = 0;
  while (end < lines.length && lines[end].trim() !== "") end += 1;
  const first = lines.slice(0, end);
  const keyed = first.every((l) => TITLE_KEY.test(l) || /^( {3,}|\t)/.test(l));
  const valued = first.some((l) => /^[^:]+:\s*\S/.test(l) || /^( {3,}|\t)\S/.test(l));
  if (first.length && TITLE_KEY.test(first[0]) && keyed && valued) {
    for (; i < end; i++) kinds[i] = "title";
  }
  let inBoneyard = false;
  let inDialogue = false;
  for (; i < lines.length; i++) {
    const raw = lines[i];
    const line = raw.trim();
    if (inBoneyard || line.startsWith("/*")) {
      kinds[i] = "boneyard";
      // still inside unless the line closes the comment after its last opening
      const close = line.lastIndexOf("*/");
      inBoneyard = close === -1 || line.lastIndexOf("/*") > close;
      continue;
    }
    const blankBefore = i === 0 || lines[i - 1].trim() === "";
    const next = i + 1 < lines.length ? lines[i + 1].trim() : "";
    if (line === "") {
      kinds[i] = "blank";
      // two spaces on an otherwise empty line keep a dialogue block going
      inDialogue = inDialogue && raw === "  ";
      if (inDialogue) kinds[i] = "dialogue";
      continue;
    }
    if (inDialogue) {
      kinds[i] = line.startsWith("(") && line.endsWith(")") ? "parenthetical" : "dialogue";
      continue;
    }
    if (/^={3,}$/.test(line)) kinds[i] = "pagebreak";
    else if (line.startsWith("#")) kinds[i] = "section";
    else if (line.startsWith("=")) kinds[i] = "synopsis";
    else if (line.startsWith("[[") && line.endsWith("]]")) kinds[i] = "note";
    else if (line.startsWith("~")) kinds[i] = "lyric";
    else if (line.startsWith("!")) kinds[i] = "action";
    else if (line.startsWith(">") && line.endsWith("<")) kinds[i] = "centered";
    else if (line.startsWith(">")) kinds[i] = "transition";
    else if (blankBefore && next === "" && HEADING.test(line)) kinds[i] = "heading"; // blank lines around it
    else if (blankBefore && next === "" && TRANSITION.test(line)) kinds[i] = "transition";
    else if (line.startsWith("@") || (blankBefore && next !== "" && CUE.test(line.replace(SCENE_NUMBER, "")))) {
      kinds[i] = "character";
      inDialogue = true;
    }
  }
  return kinds;
}

/** A heading's parts: {text, number} with the forced "#12A#" number taken off and a leading "." dropped. */
export function headingParts(line) {
  let text = line.trim();
  let number = null;
  const m = text.match(SCENE_NUMBER);
  if (m) {
    number = m[1];
    text = text.slice(0, m.index).trim();
  }
  if (text.startsWith(".")) text = text.slice(1);
  return { text: text.toUpperCase(), number };
}

/** The scenes of a classified script: [{line, text, number}] with numbers counted where none is forced. */
export function scenesOf(lines, kinds) {
  const scenes = [];
  let count = 0;
  kinds.forEach((kind, line) => {
    if (kind !== "heading") return;
    const { text, number } = headingParts(lines[line]);
    count += 1;
    scenes.push({ line, text, number: number || String(count) });
  });
  return scenes;
}
