import { pageTitle } from 'ember-page-title';
import LoginPanel from '../components/login-panel';

<template>
  {{pageTitle "Sign in"}}
  <LoginPanel />
</template>
