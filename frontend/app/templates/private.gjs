import { pageTitle } from 'ember-page-title';
import PrivatePage from '../components/private-page';

<template>
  {{pageTitle "Your account"}}
  <PrivatePage />
</template>
