"""The page's own CSS (passed to `launch(css=...)`): pixel-sharp enlarged images, a clarification gallery
whose options show whole with their captions, progress bars under the chat, a repository table that fits."""

CSS = """
/* enlarged images of the mini model stay sharp squares at any size, fullscreen included */
#chat img, #candidates img, .pq-pixels img, #repo-gallery img, .image-frame img, dialog img {
  image-rendering: pixelated; }
#chat .message img, #chat .image-container img { width: 256px !important; height: 256px !important;
  max-width: 100%; object-fit: contain; }

/* clarification: each option whole (picture, name, one-line difference), wrapping on a phone */
#candidates .grid-wrap { height: auto !important; max-height: none !important; overflow: visible !important;
  padding-top: 2.4em !important; }
#candidates .grid-container { grid-template-columns: repeat(auto-fill, minmax(150px, 200px)) !important;
  grid-template-rows: none !important; grid-auto-rows: auto !important; }
#candidates .thumbnail-item { aspect-ratio: auto !important; height: auto !important; display: flex;
  flex-direction: column; }
#candidates .thumbnail-item > img { width: 100% !important; height: auto !important; aspect-ratio: 1 / 1;
  object-fit: contain; }
#candidates .caption-label { position: static !important; max-width: none !important; white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; border: none !important; border-radius: 0 !important;
  opacity: 1 !important; font-size: var(--text-sm); line-height: 1.3; }
@media (max-width: 480px) {
  #candidates .grid-container { grid-template-columns: repeat(2, minmax(0, 1fr)) !important; } }

/* one bar per drawing phase, under the chat (never over the messages) */
.pq-progress { display: flex; flex-direction: column; gap: 4px; font-size: var(--text-sm); }
.pq-bar { display: grid; grid-template-columns: minmax(9em, auto) 1fr auto; gap: 8px; align-items: center; }
.pq-bar progress { width: 100%; }

/* the repository table fits 1280 px: wrapped cells, no column narrower than a word */
#repo-table table { width: 100%; }
#repo-table th, #repo-table td { font-size: var(--text-sm); }
#repo-table th *, #repo-table td * { word-break: normal !important; overflow-wrap: break-word !important; }
#repo-table th * { white-space: nowrap; }
"""
