export { edgeToriiInitializer as default } from '../torii/adapter';
