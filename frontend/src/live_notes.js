// Live meeting notes: Yjs + y-websocket + Quill 2 (y-quill, quill-cursors), one bundle.
// Configuration comes from data- attributes on [data-live-notes] (no inline script: CSP).
// Server messages 100 (presence from authenticated connections) and 101 (edit permission)
// are ours; see collaboration/live_notes/protocol.py.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import * as decoding from 'lib0/decoding'
import Quill from 'quill'
import QuillCursors from 'quill-cursors'
import { QuillBinding } from 'y-quill'
import 'quill/dist/quill.snow.css'
import './live_notes.css'

const MESSAGE_PRESENCE = 100
const MESSAGE_PERMISSION = 101
// The formats the server accepts (collaboration/live_notes/validation.py): the toolbar's, and
// the lists Quill's keyboard makes. Restricting Quill to them keeps a paste from producing
// others (links, colours, images), which the server would refuse.
const FORMATS = ['header', 'bold', 'italic', 'underline', 'strike', 'list']
const isFlag = (value) => typeof value === 'boolean'
const VALID = {
  bold: isFlag,
  italic: isFlag,
  underline: isFlag,
  strike: isFlag,
  header: (value) => Number.isInteger(value) && value >= 1 && value <= 6,
  list: (value) => ['ordered', 'bullet', 'checked', 'unchecked'].includes(value)
}
// Close codes after which reconnecting cannot help (collaboration/consumers.py,
// collaboration/live_notes/consumers.py, portal/security/websocket.py).
const ENDED = new Set([4401, 4403, 4404])
const REFUSED = new Set([1009, 4422])
const FULL = 4413
const COLOURS = ['#1d6b4f', '#8a2f7b', '#2b5797', '#9c4a00', '#5b3f99', '#a1262d']

function colourFor (id) {
  return COLOURS[Math.abs(Number(id) || 0) % COLOURS.length]
}

function start (root) {
  const cfg = root.dataset
  const t = JSON.parse(document.getElementById(cfg.messagesId).textContent)
  const editorEl = root.querySelector('[data-editor]')
  const statusEl = root.querySelector('[data-status]')
  const presenceEl = root.querySelector('[data-presence]')
  const fallbackEl = root.querySelector('[data-fallback]')
  const editorRegion = root.querySelector('[data-editor-region]')
  const readOnlyEl = root.querySelector('[data-read-only]')
  let mayEdit = cfg.canEdit === 'true'

  const ydoc = new Y.Doc()
  const ytext = ydoc.getText('notes')
  Quill.register('modules/cursors', QuillCursors)
  const quill = new Quill(editorEl, {
    theme: 'snow',
    readOnly: true,
    placeholder: t.placeholder,
    formats: FORMATS,
    modules: {
      cursors: true,
      toolbar: [
        [{ header: [2, 3, false] }],
        ['bold', 'italic', 'underline'],
        [{ list: 'ordered' }, { list: 'bullet' }],
        ['clean']
      ],
      history: { userOnly: true },
      // Tab must move the focus out of the editor (no keyboard trap, WCAG 2.1.2).
      keyboard: {
        bindings: {
          tab: false,
          indent: false,
          outdent: false,
          'indent code-block': false,
          'outdent code-block': false,
          'remove tab': false
        }
      }
    }
  })
  labelEditor(quill, cfg, t)

  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
  const provider = new WebsocketProvider(
    scheme + '//' + window.location.host + cfg.wsPath, 'notities', ydoc,
    {
      disableBc: true,
      resyncInterval: Number(cfg.resyncMs) || 20000,
      maxBackoffTime: 10000
    }
  )
  provider.messageHandlers[MESSAGE_PRESENCE] = (_enc, decoder) => {
    renderPresence(presenceEl, JSON.parse(decoding.readVarString(decoder)).present, t)
  }
  provider.messageHandlers[MESSAGE_PERMISSION] = (_enc, decoder) => {
    mayEdit = decoding.readUint8(decoder) === 1
    applyPermission()
  }
  provider.awareness.setLocalStateField('user', {
    name: cfg.userName,
    color: colourFor(cfg.userId)
  })
  // eslint-disable-next-line no-new
  new QuillBinding(ytext, quill, provider.awareness)

  let everConnected = false
  let synced = false
  let everSynced = false
  // Exposed for the browser tests (drop and restore the connection); not a public API.
  root.liveNotesProvider = provider

  function setStatus (text) {
    if (statusEl.textContent !== text) statusEl.textContent = text
  }

  function applyPermission () {
    // Once the saved notes have arrived, typing goes on while disconnected: Yjs keeps the
    // edits and sends what the server lacks when the connection is back.
    quill.enable(mayEdit && everSynced)
    readOnlyEl.hidden = mayEdit
  }

  function showFallback (show) {
    fallbackEl.hidden = !show
    editorRegion.hidden = show
  }

  provider.on('status', ({ status }) => {
    if (status === 'connected') {
      everConnected = true
      showFallback(false)
      setStatus(t.connected)
    } else if (status === 'disconnected') {
      setStatus(everConnected ? t.disconnected : t.connecting)
      synced = false
      applyPermission()
    }
  })
  let cleaned = false
  provider.on('sync', (isSynced) => {
    synced = isSynced
    everSynced = everSynced || isSynced
    applyPermission()
    if (isSynced) setStatus(t.connected)
    if (isSynced && mayEdit && !cleaned) {
      cleaned = true
      dropUnknownFormats(ydoc, ytext)
    }
  })
  provider.on('connection-close', (event) => {
    const code = event && event.code
    let message = null
    if (ENDED.has(code)) message = t.ended // signed out, session over, no longer a participant
    else if (code === 4412) message = t.acknowledge
    else if (REFUSED.has(code)) message = t.refused // resending the same edit would not help
    else if (code === FULL) message = t.full
    if (message) {
      // Do not retry.
      provider.disconnect()
      synced = false
      mayEdit = false
      applyPermission()
      setStatus(message)
    }
  })
  // If no connection can be made at all, say so and show the last saved notes read-only.
  window.setTimeout(() => {
    if (!everConnected) {
      showFallback(true)
      setStatus(t.unavailable)
    }
  }, Number(cfg.fallbackMs) || 8000)

  setStatus(t.connecting)
  showFallback(false)
  applyPermission()
  window.addEventListener('pagehide', () => provider.destroy())
}

// Notes stored before the server checked formats may carry others (a pasted link, a colour, a
// list as heading level). Typing inside such text makes Yjs restore the old format around the
// new text, which the server refuses: remove them once, as an ordinary edit (it only deletes
// their format marks).
function dropUnknownFormats (ydoc, ytext) {
  const removals = []
  let index = 0
  for (const op of ytext.toDelta()) {
    const length = typeof op.insert === 'string' ? op.insert.length : 1
    for (const [key, value] of Object.entries(op.attributes || {})) {
      if (!(key in VALID) || !VALID[key](value)) removals.push([index, length, key])
    }
    index += length
  }
  if (removals.length === 0) return
  ydoc.transact(() => {
    for (const [at, length, key] of removals) ytext.format(at, length, { [key]: null })
  })
}

function labelEditor (quill, cfg, t) {
  const editor = quill.root
  editor.setAttribute('role', 'textbox')
  editor.setAttribute('aria-multiline', 'true')
  editor.setAttribute('aria-labelledby', cfg.labelId)
  if (cfg.describedBy) editor.setAttribute('aria-describedby', cfg.describedBy)
  const toolbar = quill.getModule('toolbar').container
  toolbar.setAttribute('role', 'toolbar')
  toolbar.setAttribute('aria-label', t.toolbar)
  const names = {
    'ql-bold': t.bold,
    'ql-italic': t.italic,
    'ql-underline': t.underline,
    'ql-clean': t.clean
  }
  toolbar.querySelectorAll('button').forEach((button) => {
    for (const cls of button.classList) {
      if (names[cls]) button.setAttribute('aria-label', names[cls])
    }
    if (button.classList.contains('ql-list')) {
      button.setAttribute('aria-label', button.value === 'ordered' ? t.ordered : t.bullet)
    }
  })
  // Quill's stylesheet shows "Normal" and "Heading 2" unless an item has a data-label; the
  // template gives the translated names (data-label-text, -heading, -subheading) for the
  // toolbar's levels above (false, 2, 3). Quill copies an item's data-label to the picker's
  // label when the selection moves; the first one is set here.
  const levelNames = { '': cfg.labelText, 2: cfg.labelHeading, 3: cfg.labelSubheading }
  toolbar.querySelectorAll('.ql-picker-item').forEach((item) => {
    const level = item.getAttribute('data-value') || ''
    const name = levelNames[level]
    if (name) {
      item.setAttribute('data-label', name)
      item.setAttribute('aria-label', name)
    } else {
      item.setAttribute('aria-label', level ? t.headingLevel.replace('%s', level) : t.paragraph)
    }
  })
  toolbar.querySelectorAll('.ql-picker').forEach((picker) => {
    const label = picker.querySelector('.ql-picker-label')
    const selected = picker.querySelector('.ql-picker-item.ql-selected') ||
      picker.querySelector('.ql-picker-item:not([data-value])')
    if (selected && selected.dataset.label) label.setAttribute('data-label', selected.dataset.label)
    label.setAttribute('aria-label', t.heading)
  })
}

function renderPresence (list, people, t) {
  list.replaceChildren()
  for (const person of people) {
    const item = document.createElement('li')
    item.textContent = person.can_edit ? person.name : person.name + ' (' + t.readsOnly + ')'
    list.appendChild(item)
  }
}

document.querySelectorAll('[data-live-notes]').forEach(start)
