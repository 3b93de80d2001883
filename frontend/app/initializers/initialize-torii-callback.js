export { toriiCallbackInitializer as default } from '../torii/adapter';
