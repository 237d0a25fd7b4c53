// Profile page: tells the user when another device changed the profile, so they do not
// save over it unknowingly (the save would be refused as stale anyway). The page works
// without this script.
import { follow } from './stream.js';

const banner = document.getElementById('changed-elsewhere');
// Events already in the replay happened before this page was rendered.
const openedAt = Date.now();

follow((event) => {
  if (event.type === 'profile.updated' && event.createdAt > openedAt) banner.hidden = false;
});
