/** hls.js ships no typings for its "light" build (package export "hls.js/light"); it has the same API as the full one. */
declare module 'hls.js/light' {
  import Hls from 'hls.js';
  export default Hls;
}
