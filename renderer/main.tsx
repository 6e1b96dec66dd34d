/**
 * One page, two screens: the supervisor hub serves it under /station/, where it is the
 * station talking to the hub; anywhere else it is a lane's kiosk. Each screen is its own
 * chunk, so a kiosk never loads the station's code and the other way round.
 */
const isStation = /^\/station(\/|$)/u.test(window.location.pathname);

const root = document.getElementById('root');
if (!root) throw new Error('renderer/index.html has no #root');
const start = isStation
  ? import('./supervisor/startStation').then(({ startStation }) => startStation(root))
  : import('./kiosk/startKiosk').then(({ startKiosk }) => startKiosk(root));
// A chunk that did not load (the server restarting under an update) leaves a blank screen: try again.
start.catch((error: unknown) => {
  console.error('lanewise: the screen did not load; reloading', error);
  setTimeout(() => window.location.reload(), 3_000);
});
