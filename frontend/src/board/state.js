// The board's data: scenes, shots, characters, kept current by live events.

const byOrder = (a, b) => a.order - b.order || a.id - b.id;
// an item put in a list by id: an event delivered again after a resync read it already is not added twice
const upsert = (list, item) => [...list.filter((x) => x.id !== item.id), item];

export class BoardState {
  constructor(data) {
    this.project = data.project;
    this.me = data.me;
    this.choices = data.choices;
    this.statusHelp = data.status_help; // what a shot's status means, and which fields its approval covers
    this.load(data);
  }

  load(data) {
    this.scripts = data.scripts;
    this.scenes = new Map(data.scenes.map((s) => [s.id, s]));
    this.shots = new Map(data.shots.map((s) => [s.id, s]));
    this.characters = new Map(data.characters.map((c) => [c.id, c]));
    this.members = data.members;
    // the take each shot shows (shot id → take): its approved one, else its newest; the server decides which
    if (data.takes) this.takes = new Map(data.takes.map((t) => [t.shot, t]));
    this.takes ??= new Map();
    this.progress ??= new Map(); // shot id → {job, step, total} while one of its jobs runs
  }

  /** A further page of the board (scenes and their shots, from the API): what live events brought meanwhile
   * stays when it is as new (a version guard). */
  addPage(scenes, shots) {
    for (const scene of scenes) if (!(this.scenes.get(scene.id)?.version >= scene.version)) this.scenes.set(scene.id, scene);
    for (const shot of shots) if (!(this.shots.get(shot.id)?.version >= shot.version)) this.shots.set(shot.id, shot);
  }

  /** The take a shot shows, as the server chose it (none: undefined); the id of the scene to draw again. */
  showTake(shotId, take) {
    if (take) this.takes.set(shotId, take);
    else this.takes.delete(shotId);
    return this.shots.get(shotId)?.scene;
  }

  can(capability) {
    return this.me.capabilities.includes(capability);
  }

  label(kind, value) {
    const hit = this.choices[kind].find(([v]) => v === value);
    return hit ? hit[1] : value;
  }

  orderedScenes() {
    const scriptIndex = new Map(this.scripts.map((s, i) => [s.id, i]));
    return [...this.scenes.values()].sort(
      (a, b) => (scriptIndex.get(a.script) ?? 0) - (scriptIndex.get(b.script) ?? 0) || byOrder(a, b),
    );
  }

  /** The scenes ``ids`` (one script's, in their new order) take the places 0, 1, 2… */
  placeScenes(ids) {
    ids.forEach((id, index) => {
      const scene = this.scenes.get(id);
      if (scene) this.scenes.set(id, { ...scene, order: index });
    });
  }

  shotsOf(sceneId) {
    return [...this.shots.values()].filter((s) => s.scene === sceneId).sort(byOrder);
  }

  /**
   * Apply a live event. Returns what needs drawing again:
   * {scenes: Set of scene ids, all: bool, nav: bool, shots: Set of changed shot ids, removed: Set,
   *  progress: Set of shot ids whose running job moved (drawn in place, not redrawn),
   *  takes: Set of shot ids whose takes changed, so the take they show is to be asked again}.
   */
  apply(message) {
    const d = message.data;
    const out = {
      scenes: new Set(), all: false, nav: false, shots: new Set(), removed: new Set(), progress: new Set(), takes: new Set(),
    };
    switch (message.type) {
      case "shot.created":
      case "shot.updated": {
        const previous = this.shots.get(d.shot.id);
        if (previous && previous.version > d.shot.version) break; // an older event arriving late
        this.shots.set(d.shot.id, d.shot);
        if (previous) out.scenes.add(previous.scene);
        out.scenes.add(d.shot.scene);
        out.shots.add(d.shot.id);
        out.nav = true;
        break;
      }
      case "shot.deleted":
        this.shots.delete(d.id);
        out.scenes.add(d.scene);
        out.removed.add(d.id);
        out.nav = true;
        break;
      case "shots.reordered":
        for (const shot of d.moved) {
          const previous = this.shots.get(shot.id);
          if (previous) out.scenes.add(previous.scene);
          this.shots.set(shot.id, shot);
          out.shots.add(shot.id);
        }
        for (const { scene, shots } of d.scenes) {
          shots.forEach((id, index) => {
            const shot = this.shots.get(id);
            if (shot) this.shots.set(id, { ...shot, order: index, scene });
          });
          out.scenes.add(scene);
        }
        out.nav = true;
        break;
      case "scene.created":
      case "scene.updated":
        this.scenes.set(d.scene.id, d.scene);
        out.scenes.add(d.scene.id);
        out.nav = true;
        break;
      case "scene.deleted":
        this.scenes.delete(d.id);
        out.all = true;
        break;
      case "scenes.reordered":
        this.placeScenes(d.scenes);
        out.all = true;
        break;
      case "scenes.synced": // one settle of a script: every scene it created, changed, orphaned or removed
        for (const scene of [...d.created, ...d.changed, ...d.orphaned]) this.scenes.set(scene.id, scene);
        for (const id of d.removed) this.scenes.delete(id);
        this.placeScenes(d.order);
        out.all = true;
        break;
      case "character.created":
      case "character.updated":
        this.characters.set(d.character.id, d.character);
        out.all = true;
        break;
      case "character.deleted":
        this.characters.delete(d.id);
        for (const shot of this.shots.values()) {
          if (shot.characters.includes(d.id)) {
            this.shots.set(shot.id, { ...shot, characters: shot.characters.filter((c) => c !== d.id) });
          }
        }
        out.all = true;
        break;
      case "script.created":
        this.scripts = upsert(this.scripts, d.script);
        out.all = true;
        break;
      case "script.updated":
        this.scripts = this.scripts.map((s) => (s.id === d.script.id ? d.script : s));
        out.all = true;
        break;
      case "script.deleted":
        this.scripts = this.scripts.filter((s) => s.id !== d.id);
        for (const scene of [...this.scenes.values()]) if (scene.script === d.id) this.scenes.delete(scene.id);
        out.all = true;
        break;
      case "project.updated":
        this.project = d.project;
        out.all = true;
        break;
      case "take.created":
      case "take.updated":
        out.takes.add(d.take.shot); // which take a shot shows is the server's to say (takes/?shown=true)
        break;
      case "job.progress":
        this.progress.set(d.shot, { job: d.id, step: d.step, total: d.total });
        out.progress.add(d.shot);
        break;
      case "job.started":
        this.progress.set(d.job.shot, { job: d.job.id, step: d.job.step, total: d.job.total_steps });
        out.progress.add(d.job.shot);
        break;
      case "job.succeeded":
      case "job.failed":
      case "job.canceled":
        if (this.progress.get(d.job.shot)?.job === d.job.id) {
          this.progress.delete(d.job.shot);
          out.progress.add(d.job.shot);
        }
        break;
      case "member.added":
        this.members = upsert(this.members, d.member);
        break;
      case "member.updated":
        this.members = this.members.map((m) => (m.id === d.member.id ? d.member : m));
        break;
      case "member.removed":
        this.members = this.members.filter((m) => m.id !== d.member.id);
        break;
      default:
        break;
    }
    return out;
  }
}

export function totalDuration(shots) {
  return shots.reduce((sum, s) => sum + s.duration, 0);
}
